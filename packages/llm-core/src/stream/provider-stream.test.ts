import { getEventListeners } from "node:events";
import {
  completionBody,
  completionChunk,
  createFakeServer,
  type FakeServer,
  type SseItem,
  textStream,
  usageChunk,
  wireUsage,
} from "@loom/llm-testing";
import {
  AbortError,
  AuthenticationError,
  InvalidResponseError,
  RateLimitError,
  ServerError,
  type StreamEvent,
  TimeoutError,
} from "@loom/llm-types";
import fc from "fast-check";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { ChatClient } from "../chat-client.js";
import { failure, until } from "../test-support.fixture.js";
import { recordedStream } from "./recorded-stream.fixture.js";

const hello = { messages: [{ role: "user" as const, content: "hello" }] };

let server: FakeServer;
let llm: ChatClient;

beforeAll(async () => {
  server = await createFakeServer();
  // These tests are about one response each; retries have their own tests.
  llm = new ChatClient(
    {},
    { baseUrl: server.baseUrl, model: "test-model", provider: "fake", maxRetries: 0 },
  );
});
afterAll(async () => {
  await llm.close();
  await server.close();
});
beforeEach(() => server.reset());

async function texts(provider: ChatClient = llm): Promise<string[]> {
  const pieces: string[] = [];
  for await (const piece of provider.stream(hello)) pieces.push(piece);
  return pieces;
}

async function events(provider: ChatClient = llm): Promise<StreamEvent[]> {
  const all: StreamEvent[] = [];
  for await (const event of provider.stream(hello).events()) all.push(event);
  return all;
}

const raw = (...chunks: (string | Uint8Array | { delayMs: number })[]) => ({
  type: "raw" as const,
  chunks,
});
const data = (json: object) => `data: ${JSON.stringify(json)}\n\n`;

describe("streaming text", () => {
  it("asks for a stream with usage and yields the text pieces", async () => {
    server.enqueue(textStream(["Hel", "lo", " world"]));
    const stream = llm.stream(hello);
    const pieces: string[] = [];
    for await (const piece of stream) pieces.push(piece);
    expect(pieces).toEqual(["Hel", "lo", " world"]);
    expect(server.lastRequest?.headers.accept).toBe("text/event-stream");
    expect(server.lastRequest?.body).toMatchObject({
      stream: true,
      stream_options: { include_usage: true },
    });
    const response = await stream.response();
    expect(response).toMatchObject({
      content: "Hello world",
      finishReason: "stop",
      usage: { promptTokens: 10, completionTokens: 3, totalTokens: 13, reported: true },
      model: "fake-model",
      id: "chatcmpl-fake",
      provider: "fake",
      message: { role: "assistant", content: "Hello world" },
    });
  });

  it("leaves stream_options out when the provider turns it off", async () => {
    const plain = new ChatClient({}, { baseUrl: server.baseUrl, model: "m", streamUsage: false });
    server.enqueue(textStream(["a"]));
    await texts(plain);
    expect(server.lastRequest?.body).toEqual({
      model: "m",
      messages: hello.messages,
      stream: true,
    });
    await plain.close();
  });

  it("events() reports text, finish, usage, then the response", async () => {
    server.enqueue(textStream(["A", "B"]));
    const all = await events();
    expect(all.map((e) => e.type)).toEqual(["text", "text", "finish", "usage", "response"]);
    expect(all[0]).toEqual({ type: "text", text: "A" });
    expect(all[2]).toEqual({ type: "finish", finishReason: "stop" });
    expect(all[3]).toMatchObject({ type: "usage", usage: { completionTokens: 2 } });
    expect(all[4]).toMatchObject({ type: "response", response: { content: "AB" } });
  });

  it("response() alone drives the stream", async () => {
    server.enqueue(textStream(["x", "y"]));
    const response = await llm.stream(hello).response();
    expect(response.content).toBe("xy");
  });

  it("refuses to be iterated twice, with a clear message", async () => {
    server.enqueue(textStream(["x"]));
    const stream = llm.stream(hello);
    for await (const _ of stream) {
      // consumed
    }
    expect(() => stream[Symbol.asyncIterator]()).toThrow(/already being consumed/);
  });

  it("handles a server that ignored stream: true and sent one JSON body", async () => {
    server.enqueue({ type: "json", body: completionBody({ content: "whole" }) });
    expect(await texts()).toEqual(["whole"]);
  });
});

describe("usage placement", () => {
  it("on the finish chunk (DeepSeek)", async () => {
    server.enqueue(
      textStream(["a", "b"], {
        usagePlacement: "finish",
        usage: { ...wireUsage(2, 7), prompt_cache_hit_tokens: 4, prompt_cache_miss_tokens: 3 },
      }),
    );
    const response = await llm.stream(hello).response();
    expect(response.usage).toMatchObject({
      promptTokens: 7,
      completionTokens: 2,
      cachedPromptTokens: 4,
      reported: true,
    });
  });

  it("usage: null on every chunk then a choices: [] chunk (OpenAI)", async () => {
    server.enqueue({
      type: "sse",
      events: [
        completionChunk({ role: "assistant", content: "" }, { usage: null }),
        completionChunk({ content: "hi" }, { usage: null }),
        completionChunk({}, { finishReason: "stop", usage: null }),
        usageChunk(wireUsage(1, 5)),
      ],
    });
    const response = await llm.stream(hello).response();
    expect(response.usage).toMatchObject({ promptTokens: 5, completionTokens: 1, reported: true });
  });

  it("none at all: zeros, reported: false", async () => {
    server.enqueue(textStream(["a"], { usagePlacement: "none" }));
    const response = await llm.stream(hello).response();
    expect(response.usage).toEqual({
      promptTokens: 0,
      completionTokens: 0,
      totalTokens: 0,
      cachedPromptTokens: 0,
      reasoningTokens: 0,
      reported: false,
    });
  });

  it("llama.cpp: usage and timings on the finish chunk, no role delta on older builds", async () => {
    const finish = completionChunk({}, { finishReason: "length", usage: wireUsage(2, 4) });
    Object.assign(finish, { timings: { prompt_n: 4, predicted_n: 2 } });
    server.enqueue({
      type: "sse",
      events: [
        completionChunk({ content: "Output" }, { model: "models/tiny.gguf" }),
        completionChunk({ content: " nivel" }),
        finish,
      ],
    });
    const response = await llm.stream(hello).response();
    expect(response).toMatchObject({
      content: "Output nivel",
      finishReason: "length",
      model: "models/tiny.gguf",
      usage: { promptTokens: 4, completionTokens: 2 },
    });
  });
});

describe("SSE framing (wire.md)", () => {
  const a = completionChunk({ content: "a" });
  const b = completionChunk({ content: "b" });
  const stop = completionChunk({}, { finishReason: "stop" });

  it.each([
    ["LF", "\n"],
    ["CRLF", "\r\n"],
    ["CR", "\r"],
  ])("lines ending in %s", async (_name, eol) => {
    const body =
      [a, b, stop].map((c) => `data: ${JSON.stringify(c)}${eol}${eol}`).join("") +
      `data: [DONE]${eol}${eol}`;
    server.enqueue(raw(body));
    expect(await texts()).toEqual(["a", "b"]);
  });

  it("CRLF split between \\r and \\n across TCP writes", async () => {
    server.enqueue(
      raw(
        `data: ${JSON.stringify(a)}\r`,
        { delayMs: 15 },
        `\n\r\ndata: ${JSON.stringify(stop)}\r\n\r\ndata: [DONE]\r\n\r\n`,
      ),
    );
    expect(await texts()).toEqual(["a"]);
  });

  it("a multi-byte UTF-8 character split across TCP writes arrives intact", async () => {
    const bytes = Buffer.from(data(completionChunk({ content: "héllo 世界 🦊" })));
    const cut = bytes.indexOf(Buffer.from("界")) + 1;
    const fox = bytes.indexOf(Buffer.from("🦊")) + 2;
    server.enqueue(
      raw(
        bytes.subarray(0, cut),
        { delayMs: 15 },
        bytes.subarray(cut, fox),
        { delayMs: 15 },
        bytes.subarray(fox),
        data(stop),
        "data: [DONE]\n\n",
      ),
    );
    expect((await texts()).join("")).toBe("héllo 世界 🦊");
  });

  it("comments and keep-alives are ignored", async () => {
    server.enqueue(
      raw(
        ": keep-alive\n\n",
        data(a),
        ":\n\n",
        ": OPENROUTER PROCESSING\n\n",
        data(stop),
        "data: [DONE]\n\n",
      ),
    );
    expect(await texts()).toEqual(["a"]);
  });

  it("data: with or without the space", async () => {
    server.enqueue(
      raw(
        `data:${JSON.stringify(a)}\n\n`,
        `data: ${JSON.stringify(b)}\n\n`,
        `data:${JSON.stringify(stop)}\n\ndata:[DONE]\n\n`,
      ),
    );
    expect(await texts()).toEqual(["a", "b"]);
  });

  it("an event with several data lines is joined with \\n", async () => {
    const json = JSON.stringify(completionChunk({ content: "joined" }), null, 1).split("\n");
    server.enqueue(
      raw(`${json.map((line) => `data: ${line}`).join("\n")}\n\n`, data(stop), "data: [DONE]\n\n"),
    );
    expect(await texts()).toEqual(["joined"]);
  });

  it("unknown fields (event:, id:, retry:) are ignored", async () => {
    server.enqueue(
      raw(`id: 1\nretry: 100\nevent: message\n${data(a)}`, data(stop), "data: [DONE]\n\n"),
    );
    expect(await texts()).toEqual(["a"]);
  });

  it("[DONE] without a trailing blank line (llama.cpp) ends the stream", async () => {
    server.enqueue(raw(data(a), data(stop), "data: [DONE]"));
    const stream = llm.stream(hello);
    const pieces: string[] = [];
    for await (const piece of stream) pieces.push(piece);
    expect(pieces).toEqual(["a"]);
    expect((await stream.response()).finishReason).toBe("stop");
  });

  it("a finish reason then the end of the body, without [DONE], is complete", async () => {
    server.enqueue(raw(data(a), data(stop)));
    expect((await llm.stream(hello).response()).content).toBe("a");
  });

  it("[DONE] stops reading even when the server keeps the connection open", async () => {
    server.enqueue({ type: "sse", events: [a, stop], end: "hang" });
    const started = performance.now();
    const response = await llm.stream(hello).response();
    expect(response.content).toBe("a");
    expect(performance.now() - started).toBeLessThan(500);
  });

  it("a stream that ends before any finish reason or [DONE] is truncated: InvalidResponseError", async () => {
    server.enqueue(raw(data(a), data(b)));
    const stream = llm.stream(hello);
    const pieces: string[] = [];
    const error = await failure(async () => {
      for await (const piece of stream) pieces.push(piece);
    });
    expect(pieces).toEqual(["a", "b"]);
    expect(error).toBeInstanceOf(InvalidResponseError);
    expect(error.message).toContain("ended before the model finished");
    await expect(stream.response()).rejects.toBe(error);
  });

  it("a data line that is not JSON: InvalidResponseError naming it, truncated", async () => {
    server.enqueue(raw(data(a), `data: {"choices": [oops${"x".repeat(1000)}\n\n`));
    const error = await failure(() => texts());
    expect(error).toBeInstanceOf(InvalidResponseError);
    expect(error.message).toContain('not JSON: {"choices": [oops');
    expect(error.message.length).toBeLessThan(500);
    expect((error as InvalidResponseError).raw?.length).toBeLessThan(600);
  });

  it("a single event over maxResponseBytes: InvalidResponseError", async () => {
    const small = new ChatClient(
      {},
      { baseUrl: server.baseUrl, model: "m", maxResponseBytes: 2048 },
    );
    server.enqueue(raw(data(completionChunk({ content: "x".repeat(4096) }))));
    const error = await failure(() => texts(small));
    expect(error).toBeInstanceOf(InvalidResponseError);
    expect(error.message).toContain("maxResponseBytes (2048)");
    await small.close();
  });
});

describe("errors inside a 200 stream", () => {
  it('data: {"error": ...} (OpenAI, vLLM) becomes the matching typed error', async () => {
    server.enqueue(
      raw(
        data(completionChunk({ content: "a" })),
        data({
          error: {
            message: "Rate limit reached for requests",
            type: "rate_limit_error",
            code: "rate_limit_exceeded",
          },
        }),
      ),
    );
    const error = await failure(() => texts());
    expect(error).toBeInstanceOf(RateLimitError);
    expect(error.message).toContain("error inside the stream");
    expect(error.message).toContain("Rate limit reached");
  });

  it("event: error", async () => {
    server.enqueue(
      raw(
        `event: error\ndata: ${JSON.stringify({ message: "Overloaded", type: "overloaded_error" })}\n\n`,
      ),
    );
    const error = await failure(() => texts());
    expect(error).toBeInstanceOf(ServerError);
    expect((error as ServerError).status).toBe(503);
  });

  it("older llama.cpp: an `error: {json}` field line, then [DONE]", async () => {
    server.enqueue(
      raw(
        `error: ${JSON.stringify({ code: 500, message: "Cannot use tools with stream", type: "server_error" })}\n\n`,
        "data: [DONE]\n\n",
      ),
    );
    const error = await failure(() => texts());
    expect(error).toBeInstanceOf(ServerError);
    expect(error.message).toContain("Cannot use tools with stream");
  });

  it("newer llama.cpp: data with a numeric code and no [DONE]", async () => {
    server.enqueue(
      raw(data({ error: { code: 401, message: "Invalid API Key", type: "authentication_error" } })),
    );
    expect(await failure(() => texts())).toBeInstanceOf(AuthenticationError);
  });

  it("a non-2xx status on a stream request is the same typed error as for call()", async () => {
    server.enqueue({
      type: "error",
      status: 429,
      body: { error: { message: "slow", type: "rate_limit_error" } },
      headers: { "retry-after": "2" },
    });
    const error = await failure(() => texts());
    expect(error).toBeInstanceOf(RateLimitError);
    expect((error as RateLimitError).retryAfterMs).toBe(2_000);
  });
});

describe("reasoning", () => {
  it('DeepSeek\'s reasoning_content, first chunk reasoning_content: "" and content: null', async () => {
    server.enqueue({
      type: "sse",
      events: [
        completionChunk({ role: "assistant", content: null, reasoning_content: "" }),
        completionChunk({ content: null, reasoning_content: "Let me" }),
        completionChunk({ content: null, reasoning_content: " think." }),
        completionChunk({ content: "42", reasoning_content: null }),
        completionChunk(
          {},
          {
            finishReason: "stop",
            usage: { ...wireUsage(9), completion_tokens_details: { reasoning_tokens: 7 } },
          },
        ),
      ],
    });
    const all: StreamEvent[] = [];
    const stream = llm.stream(hello);
    for await (const event of stream.events()) all.push(event);
    expect(all.filter((e) => e.type === "reasoning")).toEqual([
      { type: "reasoning", text: "Let me" },
      { type: "reasoning", text: " think." },
    ]);
    const response = await stream.response();
    expect(response).toMatchObject({
      content: "42",
      reasoningContent: "Let me think.",
      usage: { reasoningTokens: 7 },
    });
    expect(response.message.reasoningContent).toBe("Let me think.");
  });

  it("vLLM's reasoning field", async () => {
    server.enqueue({
      type: "sse",
      events: [
        completionChunk({ reasoning: "hm" }),
        completionChunk({ content: "ok" }),
        completionChunk({}, { finishReason: "stop" }),
      ],
    });
    const response = await llm.stream(hello).response();
    expect(response.reasoningContent).toBe("hm");
    expect(response.content).toBe("ok");
  });
});

describe("tool-call deltas (wire.md quirks)", () => {
  const tc = (calls: object[]) => completionChunk({ tool_calls: calls });
  const finish = (reason = "tool_calls") => completionChunk({}, { finishReason: reason });
  async function toolCalls(items: SseItem[]) {
    server.enqueue({ type: "sse", events: items });
    const all: StreamEvent[] = [];
    const stream = llm.stream(hello);
    for await (const event of stream.events()) all.push(event);
    return { response: await stream.response(), events: all };
  }

  it("OpenAI: id and name first, arguments in pieces", async () => {
    const { response, events: all } = await toolCalls([
      completionChunk({ role: "assistant", content: null }),
      tc([
        {
          index: 0,
          id: "call_1",
          type: "function",
          function: { name: "get_weather", arguments: "" },
        },
      ]),
      tc([{ index: 0, function: { arguments: '{"ci' } }]),
      tc([{ index: 0, function: { arguments: 'ty": "Par' } }]),
      tc([{ index: 0, function: { arguments: 'is"}' } }]),
      finish(),
    ]);
    expect(response.toolCalls).toEqual([
      {
        id: "call_1",
        name: "get_weather",
        arguments: { city: "Paris" },
        rawArguments: '{"city": "Paris"}',
      },
    ]);
    expect(response.content).toBe("");
    expect(response.message).toEqual({
      role: "assistant",
      content: "",
      toolCalls: response.toolCalls,
    });
    expect(all.filter((e) => e.type === "tool-call-delta")).toEqual([
      { type: "tool-call-delta", index: 0, id: "call_1", name: "get_weather", argumentsDelta: "" },
      { type: "tool-call-delta", index: 0, argumentsDelta: '{"ci' },
      { type: "tool-call-delta", index: 0, argumentsDelta: 'ty": "Par' },
      { type: "tool-call-delta", index: 0, argumentsDelta: 'is"}' },
    ]);
    expect(all.filter((e) => e.type === "tool-call")).toEqual([
      { type: "tool-call", toolCall: response.toolCalls[0] },
    ]);
  });

  it("several calls interleaved by index keep their ids and order", async () => {
    const { response } = await toolCalls([
      tc([{ index: 0, id: "call_a", function: { name: "a", arguments: "" } }]),
      tc([{ index: 1, id: "call_b", function: { name: "b", arguments: '{"y":' } }]),
      tc([{ index: 0, function: { arguments: '{"x":1}' } }]),
      tc([{ index: 1, function: { arguments: "2}" } }]),
      finish(),
    ]);
    expect(response.toolCalls.map((c) => [c.id, c.name, c.arguments])).toEqual([
      ["call_a", "a", { x: 1 }],
      ["call_b", "b", { y: 2 }],
    ]);
  });

  it('a later name: null (vLLM) or name: "" (LM Studio) does not erase the name', async () => {
    const { response } = await toolCalls([
      tc([{ index: 0, id: "c1", function: { name: "lookup", arguments: "" } }]),
      tc([{ index: 0, function: { name: null, arguments: '{"q":' } }]),
      tc([{ index: 0, function: { name: "", arguments: '"x"}' } }]),
      finish(),
    ]);
    expect(response.toolCalls[0]).toMatchObject({
      id: "c1",
      name: "lookup",
      arguments: { q: "x" },
    });
  });

  it("the name arriving after some arguments", async () => {
    const { response } = await toolCalls([
      tc([{ index: 0, id: "c1", function: { arguments: '{"q":' } }]),
      tc([{ index: 0, function: { name: "late", arguments: "1}" } }]),
      finish(),
    ]);
    expect(response.toolCalls[0]).toMatchObject({ name: "late", arguments: { q: 1 } });
  });

  it("no index at all: one call, or calls told apart by id", async () => {
    const single = await toolCalls([
      tc([{ id: "c1", function: { name: "f", arguments: '{"a":' } }]),
      tc([{ function: { arguments: "1}" } }]),
      finish(),
    ]);
    expect(single.response.toolCalls).toEqual([
      { id: "c1", name: "f", arguments: { a: 1 }, rawArguments: '{"a":1}' },
    ]);
    const two = await toolCalls([
      tc([{ id: "c1", function: { name: "f", arguments: "{}" } }]),
      tc([{ id: "c2", function: { name: "g", arguments: "{}" } }]),
      finish(),
    ]);
    expect(two.response.toolCalls.map((c) => c.id)).toEqual(["c1", "c2"]);
  });

  it("a whole call in one chunk, with tool_calls: [] on every other delta", async () => {
    const { response } = await toolCalls([
      completionChunk({ content: "", tool_calls: [] }),
      tc([
        {
          index: 0,
          id: "c1",
          type: "function",
          function: { name: "f", arguments: '{"whole":true}' },
        },
      ]),
      completionChunk({ tool_calls: [] }, { finishReason: "tool_calls" }),
    ]);
    expect(response.toolCalls).toEqual([
      { id: "c1", name: "f", arguments: { whole: true }, rawArguments: '{"whole":true}' },
    ]);
  });

  it('finish_reason "stop" with tool calls (Ollama): the calls still count', async () => {
    const { response } = await toolCalls([
      tc([{ index: 0, id: "c1", function: { name: "f", arguments: "{}" } }]),
      finish("stop"),
    ]);
    expect(response.finishReason).toBe("stop");
    expect(response.toolCalls).toHaveLength(1);
  });

  it('llama.cpp: id "" gets a unique made-up id, arguments in 1-3 character fragments', async () => {
    const args = '{"location":"Paris"}';
    const fragments = args.match(/.{1,3}/g) ?? [];
    const { response } = await toolCalls([
      tc([
        { index: 0, id: "", type: "function", function: { name: "get_weather", arguments: "" } },
      ]),
      ...fragments.map((piece) => tc([{ index: 0, function: { arguments: piece } }])),
      finish(),
    ]);
    expect(response.toolCalls[0]?.id).toMatch(/^call_\d+$/);
    expect(response.toolCalls[0]?.arguments).toEqual({ location: "Paris" });
  });

  it("calls still unfinished when the stream ends are flushed", async () => {
    server.enqueue(
      raw(
        data(tc([{ index: 0, id: "c1", function: { name: "f", arguments: "{}" } }])),
        "data: [DONE]\n\n",
      ),
    );
    const response = await llm.stream(hello).response();
    expect(response.toolCalls).toHaveLength(1);
    expect(response.finishReason).toBeNull();
  });

  it("arguments that are not JSON: InvalidResponseError keeping the raw string", async () => {
    server.enqueue({
      type: "sse",
      events: [
        tc([{ index: 0, id: "c1", function: { name: "f", arguments: '{"a": tru' } }]),
        finish(),
      ],
    });
    const error = await failure(() => llm.stream(hello).response());
    expect(error).toBeInstanceOf(InvalidResponseError);
    expect((error as InvalidResponseError).raw).toBe('{"a": tru');
  });
});

describe("timeouts, abort and connection release", () => {
  it("a stall after 3 chunks: TimeoutError after timeoutMs, the 3 chunks delivered", async () => {
    server.enqueue({
      type: "sse",
      events: [
        completionChunk({ content: "1" }),
        completionChunk({ content: "2" }),
        completionChunk({ content: "3" }),
      ],
      done: false,
      end: "hang",
    });
    const pieces: string[] = [];
    const error = await failure(async () => {
      for await (const piece of llm.stream({ ...hello, timeoutMs: 300 })) pieces.push(piece);
    });
    expect(pieces).toEqual(["1", "2", "3"]);
    expect(error).toBeInstanceOf(TimeoutError);
    expect(error).toMatchObject({ phase: "idle", retryable: false });
  });

  it("keep-alive comments every 50 ms keep a slow stream alive past timeoutMs", async () => {
    const keepAlives = Array.from({ length: 10 }, () => [
      { delayMs: 50 },
      { comment: "keep-alive" },
    ]).flat();
    server.enqueue({
      type: "sse",
      events: [
        ...keepAlives,
        completionChunk({ content: "late" }),
        completionChunk({}, { finishReason: "stop" }),
      ],
    });
    const pieces: string[] = [];
    for await (const piece of llm.stream({ ...hello, timeoutMs: 200 })) pieces.push(piece);
    expect(pieces).toEqual(["late"]);
  });

  it("abort mid-stream: AbortError at once, the socket closed, the next call works", async () => {
    const own = await createFakeServer();
    const provider = new ChatClient({}, { baseUrl: own.baseUrl, model: "m" });
    own.enqueue({
      type: "sse",
      events: [
        completionChunk({ content: "1" }),
        { delayMs: 5_000 },
        completionChunk({ content: "2" }),
      ],
    });
    const stream = provider.stream(hello);
    const pieces: string[] = [];
    const started = performance.now();
    const error = await failure(async () => {
      for await (const piece of stream) {
        pieces.push(piece);
        stream.abort();
      }
    });
    expect(performance.now() - started).toBeLessThan(1_000);
    expect(pieces).toEqual(["1"]);
    expect(error).toBeInstanceOf(AbortError);
    await expect(stream.response()).rejects.toBeInstanceOf(AbortError);
    await until(() => own.openConnections === 0);
    expect(own.openConnections).toBe(0);
    own.enqueue(textStream(["again"]));
    expect(await texts(provider)).toEqual(["again"]);
    await provider.close();
    await own.close();
  });

  it("the caller's signal aborts the stream; its listener is removed afterwards", async () => {
    server.enqueue({
      type: "sse",
      events: [completionChunk({ content: "1" }), { delayMs: 5_000 }],
    });
    const controller = new AbortController();
    const error = await failure(async () => {
      for await (const _ of llm.stream({ ...hello, signal: controller.signal })) controller.abort();
    });
    expect(error).toBeInstanceOf(AbortError);
    expect(getEventListeners(controller.signal, "abort")).toHaveLength(0);
  });

  it("break out of the loop: the socket is closed at once and the next stream works", async () => {
    const own = await createFakeServer();
    const provider = new ChatClient({}, { baseUrl: own.baseUrl, model: "m" });
    own.enqueue({
      type: "sse",
      events: [
        completionChunk({ content: "1" }),
        { delayMs: 5_000 },
        completionChunk({ content: "2" }),
      ],
    });
    const stream = provider.stream(hello);
    for await (const _ of stream) break;
    await until(() => own.openConnections === 0);
    expect(own.openConnections).toBe(0);
    await expect(stream.response()).rejects.toThrow(/closed before it finished/);
    own.enqueue(textStream(["next"]));
    expect(await texts(provider)).toEqual(["next"]);
    await provider.close();
    await own.close();
  });

  it("100 sequential streams share one connection", async () => {
    const own = await createFakeServer({ fallback: textStream(["a", "b"]) });
    const provider = new ChatClient({}, { baseUrl: own.baseUrl, model: "m" });
    for (let i = 0; i < 100; i++) await texts(provider);
    expect(own.requests).toHaveLength(100);
    expect(own.connectionCount).toBe(1);
    await provider.close();
    await own.close();
  });

  it("a failed stream whose response() nobody awaits causes no unhandled rejection", async () => {
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);
    process.on("unhandledRejection", onUnhandled);
    try {
      server.enqueue({ type: "error", status: 500, body: "boom" });
      const stream = llm.stream(hello);
      stream.response();
      server.enqueue({ type: "error", status: 500, body: "boom" });
      const iterated = llm.stream(hello);
      const pending = iterated.response();
      await failure(async () => {
        for await (const _ of iterated) {
          // fails before any chunk
        }
      });
      void pending;
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(unhandled).toEqual([]);
    } finally {
      process.off("unhandledRejection", onUnhandled);
    }
  });

  it("a deadline bounds the whole stream", async () => {
    // Chunks every 100 ms: never idle long enough for timeoutMs, but the deadline passes.
    const slow = Array.from({ length: 50 }, (_, i) => [
      { delayMs: 100 },
      completionChunk({ content: `${i}` }),
    ]).flat();
    server.enqueue({ type: "sse", events: slow });
    const pieces: string[] = [];
    const started = performance.now();
    const error = await failure(async () => {
      for await (const piece of llm.stream({ ...hello, timeoutMs: 1_000, deadlineMs: 350 }))
        pieces.push(piece);
    });
    expect(error).toBeInstanceOf(TimeoutError);
    expect(error).toMatchObject({ phase: "deadline", timeoutMs: 350 });
    expect(pieces.length).toBeGreaterThanOrEqual(2);
    expect(performance.now() - started).toBeLessThan(1_000);
  });
});

describe("property over real TCP writes", () => {
  it("any split of a recorded stream into separate writes gives the same events and response", async () => {
    const bytes = recordedStream("\r\n");
    server.enqueue(raw(bytes));
    const expected = await events();
    await fc.assert(
      fc.asyncProperty(
        fc.uniqueArray(fc.integer({ min: 1, max: bytes.length - 1 }), {
          minLength: 1,
          maxLength: 12,
        }),
        async (cuts) => {
          const offsets = [0, ...cuts.sort((a, b) => a - b), bytes.length];
          // A pause between writes makes each one arrive as its own TCP read.
          const chunks = offsets
            .slice(1)
            .flatMap((end, i) => [{ delayMs: 1 }, bytes.subarray(offsets[i], end)]);
          server.enqueue(raw(...chunks));
          expect(await events()).toEqual(expected);
        },
      ),
      { numRuns: 25 },
    );
  });
});
