// A research agent with two tools: a calculator and a local document lookup. The loop calls the
// model, runs the tools it asks for, sends the results back and stops when it answers.
// Run: pnpm example agent (offline on a scripted fake server, or against DeepSeek/OpenAI
// when DEEPSEEK_API_KEY or OPENAI_API_KEY is set).
import { defineTool, runTools } from "@loom/llm";
import { completionBody, type FakeServerOptions } from "@loom/llm-testing";
import { z } from "zod";
import { connect } from "./connect.ts";

const documents: Record<string, string> = {
  "loom-design":
    "Loom splits agents into a Brain (Python, makes LLM calls) and Hands (Rust, runs tools).",
  "llm-pricing":
    "deepseek-chat costs $0.28 per million input tokens and $0.42 per million output tokens.",
};

const calculator = defineTool({
  name: "calculate",
  description: "Evaluate an arithmetic expression with + - * / and parentheses.",
  parameters: z.object({
    expression: z.string().describe("e.g. (1200 * 0.28 + 300 * 0.42) / 1e6"),
  }),
  execute: ({ expression }) => {
    if (!/^[\d\s+\-*/().e]+$/i.test(expression))
      throw new Error(`unsupported expression: ${expression}`);
    return String(Function(`"use strict"; return (${expression});`)());
  },
});

const lookup = defineTool({
  name: "lookup_document",
  description: "Read a document from the local knowledge base by id.",
  parameters: z.object({ id: z.enum(["loom-design", "llm-pricing"]) }),
  execute: ({ id }) => documents[id],
});

const question =
  "What does a call with 1200 prompt and 300 completion tokens cost on deepseek-chat?";

// Offline: the conversation a real model would have, scripted turn by turn.
const offlineServer: FakeServerOptions = {
  replies: [
    {
      type: "json",
      body: completionBody({
        toolCalls: [{ id: "call_1", name: "lookup_document", arguments: { id: "llm-pricing" } }],
      }),
    },
    {
      type: "json",
      body: completionBody({
        toolCalls: [
          {
            id: "call_2",
            name: "calculate",
            arguments: { expression: "(1200 * 0.28 + 300 * 0.42) / 1e6" },
          },
        ],
      }),
    },
    {
      type: "json",
      body: completionBody({
        content: "About $0.000462: 1200 × $0.28/M for input plus 300 × $0.42/M for output.",
      }),
    },
  ],
};

const { llm, close } = await connect(offlineServer);
try {
  const result = await runTools(llm, {
    messages: [
      {
        role: "system",
        content:
          "You are a careful research assistant. Use the tools; do arithmetic with calculate.",
      },
      { role: "user", content: question },
    ],
    tools: [calculator, lookup],
    maxIterations: 6,
    onStep: (step) => {
      for (const { toolCall, message } of step.results) {
        console.log(
          `step ${step.index}: ${toolCall.name}(${JSON.stringify(toolCall.arguments)}) -> ${message.content}`,
        );
      }
    },
  });
  console.log(`\n${result.response.content}`);
  console.log(
    `\nstop: ${result.stopReason}, ${result.steps.length} model calls, ${result.usage.totalTokens} tokens`,
  );
} finally {
  await close();
}
