// The floor: undici's request on a dedicated pool, JSON.parse, and the smallest SSE splitter.
import { Pool } from "undici";
import { collectText, collectToolCall, sseChunks } from "./chat-chunks.ts";
import { type DriverFactory, MESSAGES } from "./driver.ts";

export const rawUndici: DriverFactory = (baseUrl, { connections }) => {
  const url = new URL(baseUrl);
  const pool = new Pool(url.origin, { connections });
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
    close: () => pool.close(),
  };
};
