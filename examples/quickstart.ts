// A chat call, a streamed answer printed as it arrives, and the usage and cost lines.
// Run: pnpm demo. Uses DeepSeek or OpenAI when DEEPSEEK_API_KEY or OPENAI_API_KEY is set;
// otherwise it starts a local fake OpenAI-compatible server and runs offline.
import { CostTracker, type LLMResponse, type Message } from "@loom/llm";
import { completionBody, type FakeServerOptions, textStream, wireUsage } from "@loom/llm-testing";
import { connect } from "./connect.ts";

const question: Message[] = [
  { role: "system", content: "You are a research assistant. Answer in two sentences." },
  { role: "user", content: "What does an LLM client library for agents need to get right?" },
];

const tracker = new CostTracker();

const answer =
  "It must be fast and observable, with typed errors, timeouts and retries. " +
  "And it must stream tokens as they arrive, so the agent can act before the answer ends.";
const words = answer.match(/\S+\s*/g) ?? [answer];
const offlineServer: FakeServerOptions = {
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
};

const { llm, close } = await connect(offlineServer, { tracker });
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
  await close();
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
