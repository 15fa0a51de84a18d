// Timeouts, abort, leaving early and connection release; a property over real TCP writes.
import { getEventListeners } from "node:events";
import { completionChunk, createFakeServer, textStream } from "@loom/llm-testing";
import { AbortError, TimeoutError } from "@loom/llm-types";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ChatClient } from "../chat-client.js";
import {
  data,
  events,
  failure,
  hello,
  raw,
  serverAndClient,
  texts,
  until,
} from "../test-support.fixture.js";
import { recordedStream } from "./recorded-stream.fixture.js";

const { server, llm } = await serverAndClient();

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

  it.each([
    ["its text", "text"],
    ["its events", "events"],
    ["a generator relaying it", "relay"],
  ] as const)(
    "a stream left holding an item (%s, no return()) ends when close() is called, its hooks told",
    async (_, how) => {
      const own = await createFakeServer();
      const ended: string[] = [];
      const provider = new ChatClient(
        {},
        // The idle bound far off: only close() can end it within the test.
        { baseUrl: own.baseUrl, model: "m", streamIdleTimeoutMs: 600_000 },
        {
          hooks: [
            {
              onResponse: () => ended.push("response"),
              onError: (error) => ended.push(`error ${(error as Error).name}`),
              onCancel: () => ended.push("cancel"),
            },
          ],
        },
      );
      // The whole answer comes at once: no read is left to fail when close() comes.
      own.enqueue(textStream(["a", "b", "c"]));
      const stream = provider.stream(hello);
      const settled = stream.response().then(
        () => "resolved",
        (error: Error) => error.message,
      );
      async function* relay() {
        for await (const piece of stream) yield piece;
      }
      const iterator =
        how === "text"
          ? stream[Symbol.asyncIterator]()
          : how === "events"
            ? stream.events()[Symbol.asyncIterator]()
            : relay();
      expect((await iterator.next()).done).toBe(false);
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(ended).toEqual([]);
      await provider.close();
      expect(ended).toEqual(["error ConnectionError"]);
      expect(await settled).toMatch(/closed/);
      await own.close();
    },
  );

  it("a stream left holding an item ends when streamIdleTimeoutMs passes, its hooks told", async () => {
    const own = await createFakeServer();
    const ended: string[] = [];
    const provider = new ChatClient(
      {},
      { baseUrl: own.baseUrl, model: "m", streamIdleTimeoutMs: 200 },
      { hooks: [{ onError: (error) => ended.push(`error ${(error as Error).name}`) }] },
    );
    own.enqueue(textStream(["a", "b", "c"]));
    const stream = provider.stream(hello);
    const settled = stream.response().catch((error: unknown) => error);
    expect((await stream[Symbol.asyncIterator]().next()).done).toBe(false);
    expect(await settled).toBeInstanceOf(TimeoutError);
    expect(ended).toEqual(["error TimeoutError"]);
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
    const expected = await events(llm);
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
          expect(await events(llm)).toEqual(expected);
        },
      ),
      { numRuns: 25 },
    );
  });
});

describe("abort between the items of one read", () => {
  it("no item after abort(): the rest of the read is dropped and the stream ends with AbortError", async () => {
    // Every event and the end in one write: one read holds them all.
    const body =
      ["a", "b", "c", "d", "e"].map((content) => data(completionChunk({ content }))).join("") +
      data(completionChunk({}, { finishReason: "stop" })) +
      "data: [DONE]\n\n";
    server.enqueue(raw(body));
    const controller = new AbortController();
    const pieces: string[] = [];
    const error = await failure(async () => {
      for await (const piece of llm.stream({ ...hello, signal: controller.signal })) {
        pieces.push(piece);
        if (pieces.length === 2) controller.abort();
      }
    });
    expect(pieces).toEqual(["a", "b"]);
    expect(error.name).toBe("AbortError");
  });
});
