// The runtime's own fetch, parsed by hand as the floor is: a peer on Node, and the floor itself
// on Bun and Deno (run.ts), where it is the raw HTTP a client there is built on.
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
  const body = async (model: string) => reads((await post(model, true)).body);
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

/**
 * A body read through its reader, each `read()` handed on as the iterator's result: the cheapest
 * way through a web stream. Its own async iterator adds a promise per chunk in some runtimes
 * (Deno), which a floor must not pay; Loom's fetch transport reads through the reader too.
 */
function reads(body: ReadableStream<Uint8Array> | null): AsyncIterable<Uint8Array> {
  if (body === null) throw new Error("a stream without a body");
  const reader = body.getReader();
  return {
    [Symbol.asyncIterator]: () => ({
      next: () => reader.read() as Promise<IteratorResult<Uint8Array>>,
    }),
  };
}
