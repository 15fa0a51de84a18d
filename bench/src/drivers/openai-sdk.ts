// The official openai SDK.
import OpenAI from "openai";
import { collectText, collectToolCall, handLoop, type WireMessage } from "./chat-chunks.ts";
import { type DriverFactory, MESSAGES, TOOL_SCHEMA, WIRE_TOOLS } from "./driver.ts";

export const openaiSdk: DriverFactory = (baseUrl) => {
  const client = new OpenAI({ baseURL: baseUrl, apiKey: "bench", maxRetries: 0 });
  return {
    async call(model) {
      const res = await client.chat.completions.create({ model, messages: MESSAGES });
      return {
        content: res.choices[0]?.message.content ?? "",
        promptTokens: res.usage?.prompt_tokens ?? 0,
      };
    },
    stream: async (model, onFirst) =>
      collectText(
        await client.chat.completions.create({
          model,
          messages: MESSAGES,
          stream: true,
          stream_options: { include_usage: true },
        }),
        onFirst,
      ),
    tools: async (model) =>
      collectToolCall(
        await client.chat.completions.create({
          model,
          messages: MESSAGES,
          stream: true,
          tools: [{ type: "function", function: { name: "lookup", parameters: TOOL_SCHEMA } }],
        }),
      ),
    agent: (model) =>
      handLoop(async (messages) => {
        const res = await client.chat.completions.create({
          model,
          messages: messages as OpenAI.ChatCompletionMessageParam[],
          tools: WIRE_TOOLS,
        });
        return res.choices[0]?.message as WireMessage | undefined;
      }),
    close: async () => {},
  };
};
