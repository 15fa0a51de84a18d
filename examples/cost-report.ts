// Cost: every response priced, a tracker per agent, a budget that stops the next call.
// Run: pnpm example cost-report
import { BudgetExceededError, CostTracker, estimateCost, LLMProvider } from "@loom/llm";
import { completionBody, createFakeServer } from "@loom/llm-testing";

const usage = (prompt: number, cached: number, completion: number) => ({
  prompt_tokens: prompt,
  completion_tokens: completion,
  total_tokens: prompt + completion,
  prompt_cache_hit_tokens: cached,
  prompt_cache_miss_tokens: prompt - cached,
});
// Offline: a server answering like DeepSeek, with growing prompts and cache hits.
const server = await createFakeServer({
  replies: [1, 2, 3, 4, 5].map((turn) => ({
    type: "json" as const,
    body: completionBody({
      content: `turn ${turn}`,
      usage: usage(20_000 * turn, 15_000 * (turn - 1), 800),
    }),
  })),
});
const tracker = new CostTracker({ budgetUsd: 0.02 });
const llm = LLMProvider.fromName(
  { env: { DEEPSEEK_API_KEY: process.env.DEEPSEEK_API_KEY ?? "sk-offline-0000000000" } },
  "deepseek",
  {
    tracker,
    ...(process.env.DEEPSEEK_API_KEY ? {} : { baseUrl: server.baseUrl }),
  },
);

try {
  for (let turn = 1; turn <= 5; turn++) {
    const res = await llm.call({ messages: [{ role: "user", content: `turn ${turn}` }] });
    console.log(
      `turn ${turn}: ${res.usage.promptTokens} prompt (${res.usage.cachedPromptTokens} cached) + ${res.usage.completionTokens} completion = $${res.costUsd?.toFixed(6)}`,
    );
  }
} catch (error) {
  if (!BudgetExceededError.isInstance(error)) throw error;
  console.log(`stopped before sending: ${error.message}`);
}
console.log(`\n${tracker.formatReport()}`);

// Prices are data: estimateCost works on any usage, and a local model's cost is unknown.
const local = estimateCost("qwen2.5-0.5b-instruct", {
  promptTokens: 1000,
  completionTokens: 100,
  totalTokens: 1100,
  cachedPromptTokens: 0,
  reasoningTokens: 0,
  reported: true,
});
console.log(
  `\na local model: ${local === undefined ? "cost unknown (no price), never a guess" : local.usd}`,
);
await llm.close();
await server.close();
