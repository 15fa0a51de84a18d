// Node's built-in fetch, parsed by hand as the floor is.
import {
  collectText,
  collectToolCall,
  handLoop,
  sseChunks,
  type WireMessage,
} from "./chat-chunks.ts";
import { type DriverFactory, MESSAGES, WIRE_TOOLS } from "./driver.ts";

export const nodeFetch: DriverFactory = (baseUrl) => {
  const url = `${baseUrl}/chat/completions`;
  const post = (model: string, stream: boolean) =>
    fetch(url, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: "Bearer bench" },
      body: JSON.stringify({ model, messages: MESSAGES, ...(stream ? { stream: true } : {}) }),
    });
  const body = async (model: string) => (await post(model, true)).body as AsyncIterable<Uint8Array>;
  return {
    async call(model) {
      const json = (await (await post(model, false)).json()) as {
        choices: { message: { content: string } }[];
        usage: { prompt_tokens: number };
      };
      return {
        content: json.choices[0]?.message.content ?? "",
        promptTokens: json.usage.prompt_tokens,
      };
    },
    stream: async (model, onFirst) => collectText(sseChunks(await body(model)), onFirst),
    tools: async (model) => collectToolCall(sseChunks(await body(model))),
    agent: (model) =>
      handLoop(async (messages) => {
        const res = await fetch(url, {
          method: "POST",
          headers: { "content-type": "application/json", authorization: "Bearer bench" },
          body: JSON.stringify({ model, messages, tools: WIRE_TOOLS }),
        });
        const json = (await res.json()) as { choices: { message: WireMessage }[] };
        return json.choices[0]?.message;
      }),
    close: async () => {},
  };
};
