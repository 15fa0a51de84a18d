// The official openai SDK.
import OpenAI from "openai";
import { type DriverFactory, MESSAGES, TOOL_SCHEMA } from "./driver.ts";

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
    async stream(model, onFirst) {
      const stream = await client.chat.completions.create({
        model,
        messages: MESSAGES,
        stream: true,
        stream_options: { include_usage: true },
      });
      let content = "";
      let chunks = 0;
      let completionTokens = 0;
      for await (const chunk of stream) {
        const text = chunk.choices[0]?.delta.content;
        if (text) {
          if (chunks++ === 0) onFirst();
          content += text;
        }
        if (chunk.usage) completionTokens = chunk.usage.completion_tokens;
      }
      return { content, chunks, completionTokens };
    },
    async tools(model) {
      const stream = await client.chat.completions.create({
        model,
        messages: MESSAGES,
        stream: true,
        tools: [{ type: "function", function: { name: "lookup", parameters: TOOL_SCHEMA } }],
      });
      let name = "";
      let args = "";
      for await (const chunk of stream) {
        const call = chunk.choices[0]?.delta.tool_calls?.[0]?.function;
        if (call?.name) name = call.name;
        if (call?.arguments) args += call.arguments;
      }
      return { name, args: JSON.parse(args) };
    },
    close: async () => {},
  };
};
