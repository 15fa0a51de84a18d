// The Vercel AI SDK with its OpenAI-compatible provider.
import { createOpenAICompatible } from "@ai-sdk/openai-compatible";
import { generateText, jsonSchema, stepCountIs, streamText, tool } from "ai";
import { AGENT_STEPS, type DriverFactory, MESSAGES, runTool, TOOL_SCHEMA } from "./driver.ts";

export const vercelAi: DriverFactory = (baseUrl) => {
  const provider = createOpenAICompatible({
    name: "bench",
    baseURL: baseUrl,
    apiKey: "bench",
    includeUsage: true,
  });
  return {
    async call(model) {
      const res = await generateText({ model: provider(model), messages: MESSAGES, maxRetries: 0 });
      return { content: res.text, promptTokens: res.usage.inputTokens ?? 0 };
    },
    async stream(model, onFirst) {
      const res = streamText({ model: provider(model), messages: MESSAGES, maxRetries: 0 });
      let content = "";
      let chunks = 0;
      for await (const text of res.textStream) {
        if (chunks++ === 0) onFirst();
        content += text;
      }
      return { content, chunks, completionTokens: (await res.usage).outputTokens ?? 0 };
    },
    async tools(model) {
      const res = streamText({
        model: provider(model),
        messages: MESSAGES,
        maxRetries: 0,
        tools: { lookup: tool({ inputSchema: jsonSchema<{ query: string }>(TOOL_SCHEMA) }) },
      });
      for await (const _ of res.fullStream) {
        // drain
      }
      const call = (await res.toolCalls)[0];
      return { name: call?.toolName ?? "", args: call?.input };
    },
    async agent(model) {
      const res = await generateText({
        model: provider(model),
        messages: MESSAGES,
        maxRetries: 0,
        tools: {
          lookup: tool({
            inputSchema: jsonSchema<{ query: string }>(TOOL_SCHEMA),
            execute: async (args) => runTool("lookup", args),
          }),
          clock: tool({
            inputSchema: jsonSchema<Record<string, never>>({ type: "object", properties: {} }),
            execute: async (args) => runTool("clock", args),
          }),
        },
        stopWhen: stepCountIs(AGENT_STEPS),
      });
      return { steps: res.steps.length, content: res.text };
    },
    close: async () => {},
  };
};
