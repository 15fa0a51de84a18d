// The floor: undici's request on a dedicated pool, JSON.parse, and the smallest SSE splitter.
import { Pool } from "undici";
import { type DriverFactory, MESSAGES } from "./driver.ts";

type Chunk = {
  choices: {
    delta: { content?: string; tool_calls?: { function: { name?: string; arguments?: string } }[] };
  }[];
  usage?: { completion_tokens: number };
};

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

  async function* events(model: string): AsyncGenerator<Chunk> {
    const { body } = await post(model, true);
    const decoder = new TextDecoder();
    let buffer = "";
    for await (const bytes of body) {
      buffer += decoder.decode(bytes, { stream: true });
      let end = buffer.indexOf("\n\n");
      while (end !== -1) {
        const line = buffer.slice(6, end);
        buffer = buffer.slice(end + 2);
        if (line === "[DONE]") return;
        yield JSON.parse(line) as Chunk;
        end = buffer.indexOf("\n\n");
      }
    }
  }

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
    async stream(model, onFirst) {
      let content = "";
      let chunks = 0;
      let completionTokens = 0;
      for await (const chunk of events(model)) {
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
      let name = "";
      let args = "";
      for await (const chunk of events(model)) {
        const call = chunk.choices[0]?.delta.tool_calls?.[0]?.function;
        if (call?.name) name = call.name;
        if (call?.arguments) args += call.arguments;
      }
      return { name, args: JSON.parse(args) };
    },
    close: () => pool.close(),
  };
};
