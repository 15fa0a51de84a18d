// A stream's iterator behaves as an async generator would when driven by hand: calls made
// without waiting are answered in turn, return() and throw() wait for a pending next(), and a
// stream ended any way settles its response() and lets its connection go.
import { getEventListeners } from "node:events";
import { completionChunk, createFakeServer, type FakeServer, textStream } from "@loom/llm-testing";
import type { Transport, TransportRequest } from "@loom/llm-types";
import { describe, expect, it } from "vitest";
import { ChatClient } from "../chat-client.js";
import { data, hello, raw, texts, until } from "../test-support.fixture.js";
import { undiciTransport } from "../transport/undici-transport.js";

/** The answer "a" … "e", then its end, in one write (one read holds them all). */
function oneRead(): ReturnType<typeof raw> {
  return raw(
    ["a", "b", "c", "d", "e"].map((content) => data(completionChunk({ content }))).join("") +
      data(completionChunk({}, { finishReason: "stop" })) +
      "data: [DONE]\n\n",
  );
}

/** "a" and "b" in one read, then nothing: the server holds the stream open. */
function heldOpen(): ReturnType<typeof raw> {
  return raw(data(completionChunk({ content: "a" })) + data(completionChunk({ content: "b" })), {
    delayMs: 60_000,
  });
}

/** A test's server and client, with what else it keeps, both closed when its `using` ends. */
function owned<T extends object>(
  server: FakeServer,
  llm: ChatClient,
  more: T,
): T & { server: FakeServer; llm: ChatClient; [Symbol.asyncDispose](): Promise<void> } {
  return {
    ...more,
    server,
    llm,
    async [Symbol.asyncDispose]() {
      await llm.close();
      await server.close();
    },
  };
}

async function setup() {
  const server = await createFakeServer();
  return owned(server, new ChatClient({}, { baseUrl: server.baseUrl, model: "m" }), {});
}

describe("a stream's iterator, driven by hand", () => {
  it("answers next() calls made without waiting in the order they were made", async () => {
    await using s = await setup();
    s.server.enqueue(oneRead());
    const iterator = s.llm.stream(hello)[Symbol.asyncIterator]();
    // Seven at once: the five pieces, then the end, then the end again.
    const results = await Promise.all(Array.from({ length: 7 }, () => iterator.next()));
    expect(results.map((r) => (r.done === true ? "done" : r.value))).toEqual([
      "a",
      "b",
      "c",
      "d",
      "e",
      "done",
      "done",
    ]);
  });

  it("events(): the same, with the response as the last event", async () => {
    await using s = await setup();
    s.server.enqueue(oneRead());
    const stream = s.llm.stream(hello);
    const iterator = stream.events()[Symbol.asyncIterator]();
    const results = await Promise.all(Array.from({ length: 9 }, () => iterator.next()));
    const types = results.map((r) => (r.done === true ? "done" : r.value.type));
    expect(types).toEqual([
      ...["text", "text", "text", "text", "text", "finish", "response"],
      ...["done", "done"],
    ]);
    const last = results[6]?.value as { type: "response"; response: { content: string } };
    expect(last.response.content).toBe("abcde");
    expect((await stream.response()).content).toBe("abcde");
  });

  it("return() made while next() waits for the server: waits its turn, then closes the connection", async () => {
    await using s = await setup();
    s.server.enqueue({
      type: "sse",
      events: [
        completionChunk({ content: "1" }),
        { delayMs: 200 },
        completionChunk({ content: "2" }),
        { delayMs: 5_000 },
        completionChunk({}),
      ],
    });
    const stream = s.llm.stream(hello);
    const iterator = stream[Symbol.asyncIterator]();
    expect(await iterator.next()).toEqual({ done: false, value: "1" });
    // The next piece is 200 ms away: return() is made while next() waits, and waits for it (as
    // a generator's would; abort() is what ends a wait at once).
    const waiting = iterator.next();
    const closing = iterator.return?.();
    expect(await waiting).toEqual({ done: false, value: "2" });
    expect(await closing).toEqual({ done: true, value: undefined });
    // Closed then, not 5 s later when the stream would have ended.
    await until(() => s.server.openConnections === 0, 1_000);
    expect(s.server.openConnections).toBe(0);
    await expect(stream.response()).rejects.toThrow(/closed before it finished/);
    expect(await iterator.next()).toEqual({ done: true, value: undefined });
    // The client goes on: the next stream has the server to itself.
    s.server.enqueue(textStream(["next"]));
    const pieces: string[] = [];
    for await (const piece of s.llm.stream(hello)) pieces.push(piece);
    expect(pieces).toEqual(["next"]);
  });

  it("return() between two items of one read: the rest is dropped and the response settles", async () => {
    await using s = await setup();
    s.server.enqueue(oneRead());
    const stream = s.llm.stream(hello);
    const pieces: string[] = [];
    for await (const piece of stream) {
      pieces.push(piece);
      if (piece === "b") break;
    }
    expect(pieces).toEqual(["a", "b"]);
    await expect(stream.response()).rejects.toThrow(/closed before it finished/);
  });

  it("throw() mid-stream: the response fails with that error and the connection is let go", async () => {
    await using s = await setup();
    s.server.enqueue({
      type: "sse",
      events: [completionChunk({ content: "1" }), { delayMs: 5_000 }, completionChunk({})],
    });
    const stream = s.llm.stream(hello);
    const iterator = stream[Symbol.asyncIterator]();
    await iterator.next();
    const reason = new Error("the caller gave up");
    await expect(iterator.throw?.(reason)).rejects.toBe(reason);
    await expect(stream.response()).rejects.toBe(reason);
    await until(() => s.server.openConnections === 0);
    expect(s.server.openConnections).toBe(0);
    expect(await iterator.next()).toEqual({ done: true, value: undefined });
  });

  it("throw() before the first next(): nothing is sent and the response fails with it", async () => {
    await using s = await setup();
    const stream = s.llm.stream(hello);
    const iterator = stream[Symbol.asyncIterator]();
    const reason = new Error("not wanted");
    await expect(iterator.throw?.(reason)).rejects.toBe(reason);
    await expect(stream.response()).rejects.toBe(reason);
    expect(await iterator.next()).toEqual({ done: true, value: undefined });
    expect(s.server.requests).toHaveLength(0);
  });

  it("return() before the first next() of a refused request: the response says why it was refused", async () => {
    await using s = await setup();
    const stream = s.llm.stream({ ...hello, temperature: 7 });
    await stream[Symbol.asyncIterator]().return?.();
    await expect(stream.response()).rejects.toThrow(/temperature/);
    expect(s.server.requests).toHaveLength(0);
  });

  it("abort() while the caller holds an item and asks for none: response() settles at once", async () => {
    await using s = await setup();
    s.server.enqueue(heldOpen());
    const stream = s.llm.stream(hello);
    const iterator = stream[Symbol.asyncIterator]();
    expect(await iterator.next()).toEqual({ done: false, value: "a" });
    stream.abort();
    await expect(stream.response()).rejects.toThrow(/aborted/);
    await until(() => s.server.openConnections === 0);
    expect(s.server.openConnections).toBe(0);
    // The next call is answered with the same end, then done: "b" is not handed on.
    await expect(iterator.next()).rejects.toThrow(/aborted/);
    expect(await iterator.next()).toEqual({ done: true, value: undefined });
  });

  it("abort() while the caller holds an item, then return(): done, nothing else", async () => {
    await using s = await setup();
    s.server.enqueue(heldOpen());
    const stream = s.llm.stream(hello);
    const iterator = stream[Symbol.asyncIterator]();
    await iterator.next();
    stream.abort();
    expect(await iterator.return?.()).toEqual({ done: true, value: undefined });
    expect(await iterator.next()).toEqual({ done: true, value: undefined });
    await expect(stream.response()).rejects.toThrow(/aborted/);
  });

  it("a deadline that passes while the caller asks for nothing: response() is the TimeoutError", async () => {
    await using s = await setup();
    s.server.enqueue(raw(data(completionChunk({ content: "a" })), { delayMs: 60_000 }));
    const stream = s.llm.stream({ ...hello, deadlineMs: 300 });
    const iterator = stream[Symbol.asyncIterator]();
    expect(await iterator.next()).toEqual({ done: false, value: "a" });
    const error = await stream.response().then(
      () => undefined,
      (e: Error) => e,
    );
    expect(error?.name).toBe("TimeoutError");
    await expect(iterator.next()).rejects.toBe(error);
  });

  it("a failure ends the iteration: the error once, then done", async () => {
    await using s = await setup();
    s.server.enqueue({ type: "error", status: 400, body: { error: { message: "no" } } });
    const iterator = s.llm.stream(hello)[Symbol.asyncIterator]();
    await expect(iterator.next()).rejects.toThrow(/no/);
    expect(await iterator.next()).toEqual({ done: true, value: undefined });
  });

  // The exchange's first step runs hooks before it first waits: a call made from one of them
  // is a call made while another is running, and waits its turn.
  describe("called from a hook the first next() runs", () => {
    /** A client whose hook (`beforeRequest` or `prepareBody`) runs `onHook` once. */
    async function hooked(hook: "beforeRequest" | "prepareBody") {
      const server = await createFakeServer();
      const state: { onHook: () => void } = { onHook: () => {} };
      const llm = new ChatClient(
        {},
        { baseUrl: server.baseUrl, model: "m" },
        {
          hooks: [
            {
              [hook]: () => {
                const run = state.onHook;
                state.onHook = () => {};
                run();
              },
            },
          ],
        },
      );
      return owned(server, llm, { state });
    }

    /** "1", "2" in one read, "3", "4" in the next, then the end. */
    const twoReads = () =>
      raw(
        data(completionChunk({ content: "1" })) + data(completionChunk({ content: "2" })),
        { delayMs: 30 },
        data(completionChunk({ content: "3" })) + data(completionChunk({ content: "4" })),
        { delayMs: 30 },
        `${data(completionChunk({}, { finishReason: "stop" }))}data: [DONE]\n\n`,
      );

    for (const hook of ["beforeRequest", "prepareBody"] as const) {
      it(`return() from ${hook}: done, and nothing after it`, async () => {
        await using s = await hooked(hook);
        s.server.enqueue(twoReads());
        const stream = s.llm.stream(hello);
        const iterator = stream[Symbol.asyncIterator]();
        s.state.onHook = () => void iterator.return?.();
        const seen: string[] = [];
        for (let i = 0; i < 4; i++) {
          const result = await iterator.next();
          seen.push(result.done === true ? "done" : result.value);
        }
        // The first next() was made before return(): it is answered first, then nothing.
        expect(seen).toEqual(["1", "done", "done", "done"]);
        await expect(stream.response()).rejects.toThrow(/closed before it finished/);
      });
    }

    it("next() from beforeRequest: answered after the call it was made in", async () => {
      await using s = await hooked("beforeRequest");
      s.server.enqueue(twoReads());
      const iterator = s.llm.stream(hello)[Symbol.asyncIterator]();
      const calls: Promise<IteratorResult<string>>[] = [];
      s.state.onHook = () => calls.push(iterator.next());
      calls.unshift(iterator.next());
      calls.push(iterator.next(), iterator.next(), iterator.next());
      const seen = (await Promise.all(calls)).map((r) => (r.done === true ? "done" : r.value));
      expect(seen).toEqual(["1", "2", "3", "4", "done"]);
    });
  });
});

describe("a finished stream lets go of its call's signal", () => {
  /** A client whose transport notes the signal each request went out with. */
  async function watched() {
    const server = await createFakeServer();
    const signals: AbortSignal[] = [];
    const llm = new ChatClient(
      {},
      { baseUrl: server.baseUrl, model: "m", maxRetries: 0 },
      {
        transport: (origin, options) => {
          const inner = undiciTransport(origin, options);
          const transport: Transport = {
            poolsAfterTurn: inner.poolsAfterTurn === true,
            settlesItself: inner.settlesItself === true,
            send(request: TransportRequest) {
              if (request.signal !== undefined) signals.push(request.signal);
              return inner.send(request);
            },
            close: (how) => inner.close(how),
          };
          return transport;
        },
      },
    );
    return owned(server, llm, { signals });
  }

  // Its listener holds the iteration and the response: left on the signal, something of the
  // transport's holding the signal kept them (measured: promoted to V8's old generation).
  const listening = (signal: AbortSignal | undefined): number =>
    signal === undefined ? -1 : getEventListeners(signal, "abort").length;

  it("read to its end, broken off, or failed: no listener is left on the signal", async () => {
    await using s = await watched();
    // Read to the end: the iteration listened while it ran.
    s.server.enqueue(oneRead());
    const stream = s.llm.stream(hello);
    const seen: number[] = [];
    for await (const event of stream.events())
      if (event.type === "text") seen.push(listening(s.signals[0]));
    expect(Math.min(...seen)).toBeGreaterThanOrEqual(1);
    await stream.response();
    // undici lets go of its own listener once the body closes, a tick after its end.
    await until(() => listening(s.signals[0]) === 0);
    expect(listening(s.signals[0])).toBe(0);

    // Broken off after the first piece, the server still sending.
    s.server.enqueue(heldOpen());
    for await (const _ of s.llm.stream(hello)) break;
    await until(() => listening(s.signals[1]) === 0);
    expect(listening(s.signals[1])).toBe(0);

    // Failed: an error event after the first piece.
    s.server.enqueue(
      raw(data(completionChunk({ content: "a" })), 'data: {"error":{"message":"overloaded"}}\n\n'),
    );
    await expect(texts(s.llm)).rejects.toThrow(/overloaded/);
    await until(() => listening(s.signals[2]) === 0);
    expect(listening(s.signals[2])).toBe(0);
    expect(s.signals).toHaveLength(3);
  });
});
