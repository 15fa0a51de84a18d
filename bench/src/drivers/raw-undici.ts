// The floor: undici's request on a dedicated pool, JSON.parse, and the smallest SSE splitter.
import { Pool } from "undici";
import {
  collectText,
  collectToolCall,
  handLoop,
  sseChunks,
  type WireMessage,
} from "./chat-chunks.ts";
import { type DriverFactory, MESSAGES, WIRE_TOOLS } from "./driver.ts";

export const rawUndici: DriverFactory = (baseUrl) => {
  const url = new URL(baseUrl);
  // undici's defaults: a socket per request in flight.
  const pool = new Pool(url.origin);
  const path = `${url.pathname}/chat/completions`;
  const headers = { "content-type": "application/json", authorization: "Bearer bench" };
  const post = (model: string, stream: boolean) =>
    pool.request({
      method: "POST",
      path,
      headers,
      body: JSON.stringify({ model, messages: MESSAGES, ...(stream ? { stream: true } : {}) }),
    });
  return {
    async call(model) {
      const { body } = await post(model, false);
      const json = (await body.json()) as {
        choices: { message: { content: string } }[];
        usage: { prompt_tokens: number };
      };
      return {
        content: json.choices[0]?.message.content ?? "",
        promptTokens: json.usage.prompt_tokens,
      };
    },
    stream: async (model, onFirst) =>
      collectText(sseChunks((await post(model, true)).body), onFirst),
    tools: async (model) => collectToolCall(sseChunks((await post(model, true)).body)),
    agent: (model) =>
      handLoop(async (messages) => {
        const { body } = await pool.request({
          method: "POST",
          path,
          headers,
          body: JSON.stringify({ model, messages, tools: WIRE_TOOLS }),
        });
        const json = (await body.json()) as { choices: { message: WireMessage }[] };
        return json.choices[0]?.message;
      }),
    close: () => pool.close(),
  };
};
