// A chat call, a streamed answer printed as it arrives, and the usage and cost lines.
// Run: pnpm demo. Uses DeepSeek or OpenAI when DEEPSEEK_API_KEY or OPENAI_API_KEY is set;
// otherwise it starts a local fake OpenAI-compatible server and runs offline.
import {
  CostTracker,
  completionBody,
  createFakeServer,
  LLMProvider,
  type LLMResponse,
  type Message,
  textStream,
  wireUsage,
} from "@loom/llm";

const question: Message[] = [
  { role: "system", content: "You are a research assistant. Answer in two sentences." },
  { role: "user", content: "What does an LLM client library for agents need to get right?" },
];

const tracker = new CostTracker();
const ctx = { agentId: "quickstart" };

async function connect(): Promise<{ llm: LLMProvider; stop: () => Promise<void> }> {
  // Presets read their key from the environment: DEEPSEEK_API_KEY, OPENAI_API_KEY.
  if (process.env.DEEPSEEK_API_KEY)
    return { llm: LLMProvider.fromName(ctx, "deepseek", { tracker }), stop: async () => {} };
  if (process.env.OPENAI_API_KEY)
    return { llm: LLMProvider.fromName(ctx, "openai", { tracker }), stop: async () => {} };
  const answer =
    "It must be fast and observable, with typed errors, timeouts and retries. " +
    "And it must stream tokens as they arrive, so the agent can act before the answer ends.";
  const words = answer.match(/\S+\s*/g) ?? [answer];
  const server = await createFakeServer({
    replies: [
      {
        type: "json",
        body: completionBody({
          content: answer,
          model: "qwen2.5-0.5b-instruct",
          usage: wireUsage(31, 38),
        }),
      },
      textStream(words, {
        delayMs: 25,
        model: "qwen2.5-0.5b-instruct",
        usage: wireUsage(words.length, 38),
      }),
    ],
  });
  console.log(
    "No DEEPSEEK_API_KEY or OPENAI_API_KEY set: running OFFLINE against a local fake server.\n",
  );
  // The `local` preset (vLLM, Ollama, llama.cpp) pointed at the fake server.
  return {
    llm: LLMProvider.fromName(ctx, "local", { baseUrl: server.baseUrl, tracker }),
    stop: () => server.close(),
  };
}

const { llm, stop } = await connect();
try {
  console.log(`provider: ${llm}\n`);

  const res = await llm.call({ messages: question });
  console.log("call():", res.content);
  console.log(usageLine(res));

  console.log("\nstream():");
  const stream = llm.stream({ messages: question });
  for await (const chunk of stream) process.stdout.write(chunk);
  console.log(`\n${usageLine(await stream.response())}`);

  console.log(`\n${tracker.formatReport()}`);
} finally {
  await llm.close();
  await stop();
}

function usageLine(res: LLMResponse): string {
  const { usage } = res;
  const tokens = usage.reported
    ? `${usage.promptTokens} prompt + ${usage.completionTokens} completion = ${usage.totalTokens} tokens`
    : "usage not reported";
  const cost =
    res.costUsd === undefined
      ? "cost unknown (no price for this model)"
      : `cost $${res.costUsd.toFixed(6)}`;
  return `usage: ${tokens}, ${cost} (${res.model})`;
}
