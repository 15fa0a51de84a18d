import {
  completionBody,
  completionChunk,
  textStream,
  usageChunk,
  wireUsage,
} from "@loom/llm-testing";
import { describe, expect, it } from "vitest";
import { ChatClient } from "../chat-client.js";
import {
  events,
  failure,
  hello,
  serverAndClient,
  TRANSPORT_NAMES,
  TRANSPORTS,
  texts,
} from "../test-support.fixture.js";

const { server, llm } = await serverAndClient();

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

  it("events(llm) reports text, finish, usage, then the response", async () => {
    server.enqueue(textStream(["A", "B"]));
    const all = await events(llm);
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
    expect(await texts(llm)).toEqual(["whole"]);
  });
});

describe.each(TRANSPORT_NAMES)("a JSON answer to a stream, dripped (%s)", (transport) => {
  const body = JSON.stringify(completionBody({ content: "whole" }));
  const drip = (spaces: number) => ({
    type: "raw" as const,
    headers: { "content-type": "application/json" },
    // Whitespace every 50 ms, as a proxy keeping the connection open sends it, then the answer.
    chunks: [...Array.from({ length: spaces }, () => [" ", { delayMs: 50 }]).flat(), body],
  });
  const client = () =>
    new ChatClient(
      {},
      { baseUrl: server.baseUrl, model: "m", streamIdleTimeoutMs: 400, maxRetries: 0 },
      { transport: TRANSPORTS[transport] },
    );

  it("arrives whole within streamIdleTimeoutMs: the answer", async () => {
    const llm = client();
    server.enqueue(drip(3));
    expect(await texts(llm)).toEqual(["whole"]);
    await llm.close();
  });

  it("does not: a TimeoutError (idle) at streamIdleTimeoutMs, where whitespace held it open", async () => {
    const llm = client();
    server.enqueue(drip(200));
    const started = performance.now();
    const error = await failure(() => texts(llm));
    const ms = performance.now() - started;
    expect(error).toMatchObject({ name: "TimeoutError", phase: "idle", retryable: false });
    expect(error.message).toContain("did not arrive whole within 400 ms");
    expect(ms).toBeGreaterThanOrEqual(380);
    expect(ms).toBeLessThan(5_000);
    await llm.close();
  });
});

describe.each(TRANSPORT_NAMES)("streamIdleTimeoutMs is per attempt (%s)", (transport) => {
  it("a retried stream: the gaps of each attempt count, not the time since the first began", async () => {
    const llm = new ChatClient(
      {},
      { baseUrl: server.baseUrl, model: "m", streamIdleTimeoutMs: 1_500, maxRetries: 2 },
      { transport: TRANSPORTS[transport] },
    );
    const overloaded = { error: { message: "overloaded", type: "server_error", code: 503 } };
    const body = JSON.stringify(completionBody({ content: "second attempt" }));
    // 1 s of nothing, then a retryable error; then a JSON answer whose rest comes 1 s after its
    // start: 2 s since the first attempt began, each gap 500 ms within the bound (a loaded
    // machine's late timers have that margin either way).
    server.enqueue({
      type: "raw",
      chunks: [{ delayMs: 1_000 }, `data: ${JSON.stringify(overloaded)}\n\n`],
    });
    server.enqueue({
      type: "raw",
      headers: { "content-type": "application/json" },
      chunks: [body.slice(0, 10), { delayMs: 1_000 }, body.slice(10)],
    });
    expect(await texts(llm)).toEqual(["second attempt"]);
    await llm.close();
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
      cacheWriteTokens: 0,
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
