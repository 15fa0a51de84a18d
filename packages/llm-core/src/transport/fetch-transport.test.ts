// The fetch transport (the runtime's own `fetch`: the default on every runtime but Node, and
// Node's when asked for) through a client, over loopback on Node: what the exchange promises
// holds over it as over undici's (the table of `exchange/exchange.test.ts` runs both), and what
// the transport itself must do around fetch (its timeouts, close, aborts, headers) holds here.
import { getEventListeners } from "node:events";
import {
  completionBody,
  completionChunk,
  createFakeServer,
  type FakeServer,
  textStream,
} from "@loom/llm-testing";
import {
  AbortError,
  AuthenticationError,
  ConfigError,
  ConnectionError,
  type LLMConfigInput,
  NotFoundError,
  RateLimitError,
  ServerError,
  TimeoutError,
  type TransportResponse,
} from "@loom/llm-types";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { ChatClient } from "../chat-client.js";
import { failure, hello, printed, texts, until } from "../test-support.fixture.js";
import { FetchTransport, fetchTransport } from "./fetch-transport.js";
import { undiciTransport as undiciUnavailable } from "./undici-unavailable.js";

const KEY = "sk-fetch-0123456789abcdefCANARY";

let server: FakeServer;
beforeAll(async () => {
  server = await createFakeServer();
});
afterAll(() => server.close());
beforeEach(() => server.reset());

const clients: ChatClient[] = [];
afterAll(async () => {
  await Promise.all(clients.map((c) => c.close()));
});

/** A client of the shared server over fetch, with the canary key; retries off unless asked. */
function client(config: Partial<LLMConfigInput> = {}, on: FakeServer = server): ChatClient {
  const llm = new ChatClient(
    {},
    { baseUrl: on.baseUrl, model: "m", apiKey: KEY, maxRetries: 0, ...config },
    { transport: fetchTransport },
  );
  clients.push(llm);
  return llm;
}

/** A transport of its own to the shared server, for what the client does not show. */
function transport(): FetchTransport {
  return new FetchTransport(server.url, { maxConnections: undefined, timeoutMs: 1_000 });
}

/** The request a transport test sends. */
const request = (timeoutMs = 1_000, signal?: AbortSignal) => ({
  path: "/v1/chat/completions",
  headers: { "content-type": "application/json" },
  body: JSON.stringify({ model: "m", messages: [] }),
  signal,
  timeoutMs,
});

describe("calls and streams over fetch", () => {
  it("a call: the request as sent, the answer as received", async () => {
    const llm = client({ baseUrl: `${server.baseUrl}?api-version=1` });
    server.enqueue({
      type: "json",
      body: completionBody({ content: "hello there" }),
      headers: { "x-request-id": "req-1" },
    });
    const response = await llm.call(hello);
    expect(response.content).toBe("hello there");
    expect(response.requestId).toBe("req-1");
    const sent = server.requests[0];
    expect(sent?.method).toBe("POST");
    expect(sent?.path).toBe("/v1/chat/completions?api-version=1");
    expect(sent?.headers.authorization).toBe(`Bearer ${KEY}`);
    expect(sent?.headers["content-type"]).toBe("application/json");
    expect(sent?.headers.accept).toBe("application/json");
    expect(server.lastJson().messages).toEqual(hello.messages);
  });

  it("a stream: pieces as they come, then the response", async () => {
    const llm = client();
    server.enqueue(textStream(["Hel", "lo"]));
    const stream = llm.stream(hello);
    const pieces: string[] = [];
    for await (const piece of stream) pieces.push(piece);
    expect(pieces).toEqual(["Hel", "lo"]);
    expect((await stream.response()).content).toBe("Hello");
    expect(server.requests[0]?.headers.accept).toBe("text/event-stream");
  });

  it("sequential calls and streams share one keep-alive connection", async () => {
    const own = await createFakeServer({ fallback: { type: "json", body: completionBody() } });
    const llm = client({}, own);
    for (let i = 0; i < 20; i++) await llm.call(hello);
    own.setFallback(textStream(["a"]));
    for (let i = 0; i < 5; i++) expect(await texts(llm)).toEqual(["a"]);
    expect(own.requests).toHaveLength(25);
    expect(own.connectionCount).toBe(1);
    await own.close();
  });

  it("error statuses are typed, with the server's message and never the key", async () => {
    const llm = client();
    server.enqueue(
      {
        type: "error",
        status: 401,
        body: { error: { message: `Incorrect API key provided: ${KEY}`, type: "invalid_key" } },
      },
      { type: "error", status: 404, body: { error: { message: "no such model" } } },
      { type: "error", status: 429, body: "slow down", headers: { "retry-after": "2" } },
      { type: "error", status: 500, body: `<html>${KEY}</html>` },
    );
    const unauthorized = await failure(llm.call(hello));
    expect(unauthorized).toBeInstanceOf(AuthenticationError);
    expect(unauthorized.message).toContain("Incorrect API key provided");
    const missing = await failure(llm.call(hello));
    expect(missing).toBeInstanceOf(NotFoundError);
    expect(missing.message).toContain("no such model");
    const limited = await failure(llm.call(hello));
    expect(limited).toBeInstanceOf(RateLimitError);
    expect(limited).toMatchObject({ retryAfterMs: 2_000 });
    const broken = await failure(() => texts(llm));
    expect(broken).toBeInstanceOf(ServerError);
    for (const error of [unauthorized, missing, limited, broken])
      expect(printed(error)).not.toContain(KEY);
  });

  it("a redirect is not followed: the key goes nowhere else", async () => {
    const llm = client();
    server.enqueue({
      type: "error",
      status: 307,
      body: "",
      headers: { location: `${server.url}/elsewhere` },
    });
    const error = await failure(llm.call(hello));
    expect(error).toMatchObject({ status: 307 });
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(server.requests.map((r) => r.path)).toEqual(["/v1/chat/completions"]);
  });
});

describe("timeouts over fetch", () => {
  it("no headers within timeoutMs: TimeoutError (headers), raised by the transport, retryable", async () => {
    // A server of its own, to count its connections.
    const own = await createFakeServer();
    const llm = client({ timeoutMs: 300 }, own);
    own.enqueue({ type: "hang" });
    const started = performance.now();
    const error = await failure(llm.call(hello));
    const elapsed = performance.now() - started;
    expect(error).toBeInstanceOf(TimeoutError);
    expect(error).toMatchObject({ phase: "headers", timeoutMs: 300, retryable: true });
    // The transport's own timer, not the exchange's bound a second later (which has no cause).
    expect((error.cause as { code?: string }).code).toBe("UND_ERR_HEADERS_TIMEOUT");
    expect(elapsed).toBeGreaterThanOrEqual(290);
    // The request was aborted, and its connection closed.
    await until(() => own.openConnections === 0);
    expect(own.openConnections).toBe(0);
    await own.close();
  });

  it("a stream whose body stalls past timeoutMs: TimeoutError (idle), not resent", async () => {
    const llm = client({ timeoutMs: 300, maxRetries: 2, maxRetryDelayMs: 50 });
    server.enqueue({
      type: "sse",
      events: [completionChunk({ content: "a" }), { delayMs: 5_000 }],
    });
    const started = performance.now();
    const error = await failure(() => texts(llm));
    expect(error).toBeInstanceOf(TimeoutError);
    // Not retryable, and one request: the response had begun.
    expect(error).toMatchObject({ phase: "idle", retryable: false });
    expect((error.cause as { code?: string }).code).toBe("UND_ERR_BODY_TIMEOUT");
    expect(performance.now() - started).toBeLessThan(2_000);
    expect(server.requests).toHaveLength(1);
  });

  it("a call whose body stalls: TimeoutError within timeoutMs, not resent", async () => {
    const llm = client({ timeoutMs: 300, maxRetries: 2, maxRetryDelayMs: 50 });
    server.enqueue({
      type: "raw",
      headers: { "content-type": "application/json", "content-length": "400" },
      chunks: ['{"id":"x","choices":['],
      end: "hang",
    });
    const started = performance.now();
    const error = await failure(llm.call(hello));
    expect(error).toBeInstanceOf(TimeoutError);
    // The read gap and the whole-body watchdog both fall due at timeoutMs: either may say so.
    expect(["idle", "body"]).toContain((error as TimeoutError).phase);
    expect(error.retryable).toBe(false);
    expect(performance.now() - started).toBeLessThan(2_000);
    expect(server.requests).toHaveLength(1);
  });

  it("a stream answered with a whole JSON body dripped slowly but steadily: the answer, not a timeout", async () => {
    const llm = client({ timeoutMs: 400 });
    const body = JSON.stringify(completionBody({ content: "hello world, slowly" }));
    // Each piece well within timeoutMs, the whole well past it: a stream bounds reads, not the whole.
    const pieces = body.match(/.{1,12}/g) ?? [];
    const chunks = pieces.flatMap((piece) => [piece, { delayMs: 60 }]);
    server.enqueue({
      type: "raw",
      headers: {
        "content-type": "application/json",
        "content-length": String(Buffer.byteLength(body)),
      },
      chunks,
    });
    const started = performance.now();
    expect((await texts(llm)).join("")).toBe("hello world, slowly");
    expect(performance.now() - started).toBeGreaterThan(400);
  });

  it("a call whose body drips past timeoutMs: TimeoutError of the whole body, not of a read gap", async () => {
    const llm = client({ timeoutMs: 500 });
    server.enqueue({
      type: "raw",
      headers: { "content-type": "application/json", "content-length": "400" },
      chunks: Array.from({ length: 40 }, () => ["x", { delayMs: 100 }]).flat(),
      end: "hang",
    });
    const error = await failure(llm.call(hello));
    expect(error).toBeInstanceOf(TimeoutError);
    expect((error as TimeoutError).phase).toBe("body");
    expect(error.message).toContain("did not arrive in full within 500 ms");
    expect(server.requests).toHaveLength(1);
  });

  it("keep-alive comments past streamIdleTimeoutMs: TimeoutError (idle)", async () => {
    const llm = client({ timeoutMs: 1_000, streamIdleTimeoutMs: 400 });
    server.enqueue({ ...textStream(["never"]), keepAlive: { everyMs: 50, forMs: 3_000 } });
    const started = performance.now();
    const error = await failure(() => llm.stream(hello).response());
    expect(error).toBeInstanceOf(TimeoutError);
    expect(error.message).toContain("no data for 400 ms (keep-alive comments do not count)");
    expect(performance.now() - started).toBeLessThan(2_000);
  });

  it("keep-alive comments within timeoutMs keep the read gap open; then the answer", async () => {
    // Comments 100 ms apart for two and a half times timeoutMs.
    const llm = client({ timeoutMs: 600, streamIdleTimeoutMs: 5_000 });
    server.enqueue({
      ...textStream(["after the wait"]),
      keepAlive: { everyMs: 100, forMs: 1_500 },
    });
    expect(await texts(llm)).toEqual(["after the wait"]);
  });
});

describe("failures over fetch", () => {
  it("connection refused: ConnectionError ECONNREFUSED, retryable, the key not in it", async () => {
    const closed = await createFakeServer();
    await closed.close();
    const llm = client({}, closed);
    const error = await failure(llm.call(hello));
    expect(error).toBeInstanceOf(ConnectionError);
    expect(error).toMatchObject({ code: "ECONNREFUSED", retryable: true });
    expect(error.message).toContain(
      `POST ${closed.baseUrl}/chat/completions failed: connection refused`,
    );
    expect(printed(error)).not.toContain(KEY);
  });

  it("a reset mid-body: ConnectionError after the response began, not resent", async () => {
    const llm = client({ maxRetries: 2, maxRetryDelayMs: 50 });
    server.enqueue({
      type: "sse",
      events: [completionChunk({ content: "a" }), { delayMs: 20 }],
      done: false,
      end: "reset",
    });
    const error = await failure(() => texts(llm));
    expect(error).toBeInstanceOf(ConnectionError);
    expect(error).toMatchObject({ code: "ECONNRESET", retryable: false });
    expect(error.message).toContain("not resent");
    expect(server.requests).toHaveLength(1);
  });

  it("a connection closed before any response: ConnectionError, retried", async () => {
    const llm = client({ maxRetries: 1, maxRetryDelayMs: 50 });
    server.enqueue({ type: "reset" }, { type: "json", body: completionBody({ content: "ok" }) });
    const response = await llm.call(hello);
    expect(response.content).toBe("ok");
    expect(response.attempts).toBe(2);
  });

  it("the caller aborts mid-stream: AbortError at once, the connection closed, no listener left", async () => {
    const own = await createFakeServer();
    const llm = client({}, own);
    own.enqueue({
      type: "sse",
      events: [completionChunk({ content: "1" }), { delayMs: 5_000 }],
    });
    const controller = new AbortController();
    const started = performance.now();
    const error = await failure(async () => {
      for await (const _ of llm.stream({ ...hello, signal: controller.signal })) controller.abort();
    });
    expect(error).toBeInstanceOf(AbortError);
    expect(performance.now() - started).toBeLessThan(1_000);
    expect(getEventListeners(controller.signal, "abort")).toHaveLength(0);
    await until(() => own.openConnections === 0);
    expect(own.openConnections).toBe(0);
    await own.close();
  });

  it("leaving a stream early closes its connection; the next stream works", async () => {
    const own = await createFakeServer();
    const llm = client({}, own);
    own.enqueue({
      type: "sse",
      events: [completionChunk({ content: "1" }), { delayMs: 5_000 }, completionChunk({})],
    });
    for await (const _ of llm.stream(hello)) break;
    await until(() => own.openConnections === 0);
    expect(own.openConnections).toBe(0);
    own.enqueue(textStream(["again"]));
    expect(await texts(llm)).toEqual(["again"]);
    await own.close();
  });

  it("close() fails requests in flight at once; close({ drain: true }) lets them finish", async () => {
    const own = await createFakeServer();
    const cut = client({}, own);
    own.enqueue({ type: "hang" });
    const pending = failure(cut.call(hello));
    await until(() => own.requests.length === 1);
    const started = performance.now();
    await cut.close();
    const error = await pending;
    expect(error).toBeInstanceOf(ConnectionError);
    expect(error.message).toContain("provider was closed");
    expect(performance.now() - started).toBeLessThan(1_000);
    await until(() => own.openConnections === 0);
    expect(own.openConnections).toBe(0);
    await own.close();

    const drained = client();
    server.enqueue({
      type: "sse",
      events: [completionChunk({ content: "slow" }), { delayMs: 300 }, completionChunk({})],
    });
    const streaming = texts(drained);
    await until(() => server.requests.length === 1);
    await drained.close({ drain: true });
    expect(await streaming).toEqual(["slow"]);
    expect(await failure(drained.call(hello))).toBeInstanceOf(ConnectionError);
  });

  it("undiciTransport off Node: a ConfigError at construction, nothing sent", () => {
    const make = () =>
      new ChatClient({}, { baseUrl: server.baseUrl, model: "m" }, { transport: undiciUnavailable });
    expect(make).toThrow(ConfigError);
    expect(make).toThrow("undiciTransport needs Node.js");
    expect(server.requests).toHaveLength(0);
  });
});

describe("FetchTransport", () => {
  it("gives header names in lower case, as the contract says", async () => {
    const t = transport();
    server.enqueue({
      type: "json",
      body: completionBody(),
      headers: { "X-Request-ID": "abc", "Set-Cookie": "a=1" },
    });
    const response = await t.send(request());
    expect(response.status).toBe(200);
    expect(response.headers["x-request-id"]).toBe("abc");
    expect(response.headers["set-cookie"]).toBe("a=1");
    expect(JSON.parse(await response.body.text()).object).toBe("chat.completion");
    await t.close({ drain: true, reason: new Error("closed") });
  });

  it("a caller's long-lived signal collects no listener per request", async () => {
    const t = transport();
    const controller = new AbortController();
    server.setFallback({ type: "json", body: completionBody() });
    for (let i = 0; i < 20; i++)
      await (await t.send(request(1_000, controller.signal))).body.text();
    const failed = await t.send(request(1_000, controller.signal));
    failed.body.destroy();
    server.setFallback(undefined);
    expect(getEventListeners(controller.signal, "abort")).toHaveLength(0);
    await t.close({ drain: true, reason: new Error("closed") });
  });

  it("only a read that waits counts toward the read gap: a slow reader is not a silent server", async () => {
    const t = transport();
    server.enqueue({ type: "raw", chunks: ["first", { delayMs: 50 }, "second"] });
    const response = await t.send(request(200));
    const iterator = response.body[Symbol.asyncIterator]();
    const chunks: string[] = [];
    const first = await iterator.next();
    chunks.push(new TextDecoder().decode(first.value));
    // Twice the read gap without asking: the rest waits, already arrived.
    await new Promise((resolve) => setTimeout(resolve, 400));
    for (let next = await iterator.next(); next.done !== true; next = await iterator.next())
      chunks.push(new TextDecoder().decode(next.value));
    expect(chunks.join("")).toBe("firstsecond");
    await t.close({ drain: true, reason: new Error("closed") });
  });

  it("destroy(error) fails the waiting read with that error and closes the connection", async () => {
    const own = await createFakeServer();
    const t = new FetchTransport(own.url, { maxConnections: undefined, timeoutMs: 5_000 });
    own.enqueue({ type: "raw", chunks: ["begun"], end: "hang" });
    const response: TransportResponse = await t.send(request(5_000));
    const iterator = response.body[Symbol.asyncIterator]();
    await iterator.next();
    const waiting = iterator.next();
    const reason = new Error("enough");
    response.body.destroy(reason);
    await expect(waiting).rejects.toBe(reason);
    await expect(iterator.next()).rejects.toBe(reason);
    await until(() => own.openConnections === 0);
    expect(own.openConnections).toBe(0);
    // Nothing left in flight: close() with drain resolves at once.
    await t.close({ drain: true, reason: new Error("closed") });
    await own.close();
  });

  it("a reply without a body (204, 304) is done, read as text, as chunks or not at all, leaving nothing in flight", async () => {
    for (const [status, read] of [
      [204, "text"],
      [204, "chunks"],
      [204, "unread"],
      [304, "unread"],
    ] as const) {
      const t = transport();
      const caller = new AbortController();
      server.enqueue({ type: "raw", status, chunks: [] });
      const response = await t.send(request(1_000, caller.signal));
      expect(response.status).toBe(status);
      if (read === "text") expect(await response.body.text()).toBe("");
      if (read === "chunks")
        expect(await response.body[Symbol.asyncIterator]().next()).toEqual({
          done: true,
          value: undefined,
        });
      // The caller's signal is let go with the request.
      expect(getEventListeners(caller.signal, "abort")).toHaveLength(0);
      // close() with drain waits for requests in flight: it resolves only if this one ended.
      const closed = t.close({ drain: true, reason: new Error("closed") }).then(() => "closed");
      const late = new Promise((resolve) => setTimeout(resolve, 1_000, "still in flight"));
      expect(await Promise.race([closed, late])).toBe("closed");
    }
  });

  it("after close(), a request fails with close's reason, sending nothing", async () => {
    const t = transport();
    const reason = new Error("closed for good");
    await t.close({ drain: false, reason });
    await expect(t.send(request())).rejects.toBe(reason);
    expect(server.requests).toHaveLength(0);
  });
});
