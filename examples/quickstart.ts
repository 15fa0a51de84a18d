// A chat call, a streamed answer printed as it arrives, and the usage line.
// Run: pnpm demo. Uses DeepSeek or OpenAI when DEEPSEEK_API_KEY or OPENAI_API_KEY is set;
// otherwise it starts a local fake OpenAI-compatible server and runs offline.
import {
  completionBody,
  createFakeServer,
  type LLMConfigInput,
  LLMProvider,
  type Message,
  textStream,
  wireUsage,
} from "@loom/llm";

const question: Message[] = [
  { role: "system", content: "You are a research assistant. Answer in two sentences." },
  { role: "user", content: "What does an LLM client library for agents need to get right?" },
];

async function providerConfig(): Promise<{ config: LLMConfigInput; stop: () => Promise<void> }> {
  if (process.env.DEEPSEEK_API_KEY) {
    const config = {
      provider: "deepseek",
      baseUrl: "https://api.deepseek.com/v1",
      model: "deepseek-chat",
      apiKey: process.env.DEEPSEEK_API_KEY,
      apiKeyEnv: "DEEPSEEK_API_KEY",
    };
    return { config, stop: async () => {} };
  }
  if (process.env.OPENAI_API_KEY) {
    const config = {
      provider: "openai",
      baseUrl: "https://api.openai.com/v1",
      model: "gpt-4o-mini",
      apiKey: process.env.OPENAI_API_KEY,
      apiKeyEnv: "OPENAI_API_KEY",
    };
    return { config, stop: async () => {} };
  }
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
          model: "offline-demo",
          usage: { prompt_tokens: 38, completion_tokens: 31, total_tokens: 69 },
        }),
      },
      textStream(words, { delayMs: 25, model: "offline-demo", usage: wireUsage(words.length, 38) }),
    ],
  });
  console.log(
    "No DEEPSEEK_API_KEY or OPENAI_API_KEY set: running OFFLINE against a local fake server.\n",
  );
  return {
    config: { provider: "offline", baseUrl: server.baseUrl, model: "offline-demo" },
    stop: () => server.close(),
  };
}

const { config, stop } = await providerConfig();
const llm = new LLMProvider({ agentId: "quickstart" }, config);
try {
  console.log(`provider: ${llm}\n`);

  const res = await llm.call({ messages: question });
  console.log("call():", res.content);
  console.log(usageLine(res.usage, res.model));

  console.log("\nstream():");
  const stream = llm.stream({ messages: question });
  for await (const chunk of stream) process.stdout.write(chunk);
  const final = await stream.response();
  console.log(`\n${usageLine(final.usage, final.model)}`);
} finally {
  await llm.close();
  await stop();
}

function usageLine(
  usage: { promptTokens: number; completionTokens: number; totalTokens: number; reported: boolean },
  model: string,
): string {
  if (!usage.reported) return `usage: not reported by ${model}`;
  return `usage: ${usage.promptTokens} prompt + ${usage.completionTokens} completion = ${usage.totalTokens} tokens (${model})`;
}
