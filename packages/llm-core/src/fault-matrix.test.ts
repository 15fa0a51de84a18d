// reliability.md's fault matrix: one test per row, each asserting the exact outcome.

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
  ConnectionError,
  InvalidResponseError,
  RateLimitError,
  ServerError,
  TimeoutError,
} from "@loom/llm-types";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ChatClient } from "./chat-client.js";
import { withFallback } from "./fallback/with-fallback.js";
import { failure, TRANSPORT_NAMES, TRANSPORTS, until } from "./test-support.fixture.js";

const KEY = "sk-matrix-0123456789abcdef";
const hello = { messages: [{ role: "user" as const, content: "hello" }] };
const ok = { type: "json" as const, body: completionBody({ content: "ok" }) };

let server: FakeServer;
const providers: ChatClient[] = [];
beforeEach(async () => {
  server = await createFakeServer();
});
afterEach(async () => {
  await Promise.all(providers.splice(0).map((p) => p.close()));
  await server.close();
});

function provider(
  config: Record<string, unknown> = {},
  options: ConstructorParameters<typeof ChatClient>[2] = {},
): ChatClient {
  const llm = new ChatClient(
    {},
    {
      baseUrl: server.baseUrl,
      model: "m",
      apiKey: KEY,
      apiKeyEnv: "MATRIX_API_KEY",
      provider: "matrix",
      ...config,
    },
    options,
  );
  providers.push(llm);
  return llm;
}

describe("fault matrix", () => {
  it("429 with Retry-After: 1, then 200: one retry after >= 1 s, success, attempt count 2", async () => {
    server.enqueue(
      {
        type: "error",
        status: 429,
        body: { error: { message: "slow down", type: "rate_limit_error" } },
        headers: { "retry-after": "1" },
      },
      ok,
    );
    const started = performance.now();
    const res = await provider().call(hello);
    expect(performance.now() - started).toBeGreaterThanOrEqual(990);
    expect(res.content).toBe("ok");
    expect(res.attempts).toBe(2);
    expect(server.requests).toHaveLength(2);
  });

  it("429 with Retry-After: 3600: RateLimitError at once, retryAfterMs 3 600 000", async () => {
    server.enqueue(
      { type: "error", status: 429, body: "", headers: { "retry-after": "3600" } },
      ok,
    );
    const started = performance.now();
    const error = await failure(() => provider().call(hello));
    expect(performance.now() - started).toBeLessThan(500);
    expect(error).toBeInstanceOf(RateLimitError);
    expect(error).toMatchObject({ retryAfterMs: 3_600_000, attempts: 1 });
    expect(server.requests).toHaveLength(1);
  });

  it("503 three times: ServerError after 3 attempts", async () => {
    const busy = {
      type: "error" as const,
      status: 503,
      body: { error: { message: "Server overloaded", type: "server_error" } },
    };
    server.enqueue(busy, busy, busy, ok);
    const error = await failure(() => provider().call(hello));
    expect(error).toBeInstanceOf(ServerError);
    expect(error).toMatchObject({ status: 503, attempts: 3 });
    expect(server.requests).toHaveLength(3);
  });

  it("401: AuthenticationError at once, the message names the env var, not the key", async () => {
    server.enqueue(
      {
        type: "error",
        status: 401,
        body: {
          error: {
            message: `Incorrect API key provided: ${KEY}`,
            type: "invalid_request_error",
            code: "invalid_api_key",
          },
        },
      },
      ok,
    );
    const error = await failure(() => provider().call(hello));
    expect(error).toBeInstanceOf(AuthenticationError);
    expect(error.attempts).toBe(1);
    expect(error.message).toContain("MATRIX_API_KEY");
    expect(error.message).not.toContain(KEY);
    expect(JSON.stringify((error as AuthenticationError).body)).not.toContain(KEY);
    expect(server.requests).toHaveLength(1);
  });

  it("connection refused: ConnectionError after retries; a fallback provider then answers", async () => {
    const dead = await createFakeServer();
    const deadUrl = dead.baseUrl;
    await dead.close();
    const primary = new ChatClient(
      {},
      { baseUrl: deadUrl, model: "m", provider: "primary", maxRetries: 2 },
    );
    providers.push(primary);
    const error = await failure(() => primary.call(hello));
    expect(error).toBeInstanceOf(ConnectionError);
    expect(error).toMatchObject({ code: "ECONNREFUSED", attempts: 3 });
    server.enqueue(ok);
    const chain = withFallback([primary, provider({ provider: "local" })]);
    const res = await chain.call(hello);
    expect(res.provider).toBe("local");
    expect(res.content).toBe("ok");
  });

  it("a server that accepts and never answers: TimeoutError after timeoutMs", async () => {
    server.enqueue({ type: "hang" });
    const started = performance.now();
    const error = await failure(() => provider({ timeoutMs: 400, maxRetries: 0 }).call(hello));
    expect(error).toBeInstanceOf(TimeoutError);
    expect(error).toMatchObject({ phase: "headers", timeoutMs: 400 });
    expect(performance.now() - started).toBeGreaterThanOrEqual(390);
  });

  it("a timeout before the first byte is retried (and then answered)", async () => {
    server.enqueue({ type: "hang" }, ok);
    const res = await provider({ timeoutMs: 300, maxRetries: 1 }).call(hello);
    expect(res).toMatchObject({ content: "ok", attempts: 2 });
  });

  it("a stream that stalls after 3 chunks: TimeoutError after the idle timeout; the 3 chunks were delivered", async () => {
    server.enqueue(
      {
        type: "sse",
        events: ["1", "2", "3"].map((c) => completionChunk({ content: c })),
        done: false,
        end: "hang",
      },
      ok,
    );
    const pieces: string[] = [];
    const error = await failure(async () => {
      for await (const piece of provider({ timeoutMs: 300 }).stream(hello)) pieces.push(piece);
    });
    expect(pieces).toEqual(["1", "2", "3"]);
    expect(error).toBeInstanceOf(TimeoutError);
    expect(error).toMatchObject({ phase: "idle", attempts: 1 });
    expect(server.requests).toHaveLength(1);
  });

  it("a socket reset mid-stream: ConnectionError, not retried (chunks were delivered)", async () => {
    server.enqueue(
      {
        type: "sse",
        events: [completionChunk({ content: "partial" }), { delayMs: 50 }],
        done: false,
        end: "destroy",
      },
      ok,
    );
    const pieces: string[] = [];
    const error = await failure(async () => {
      for await (const piece of provider().stream(hello)) pieces.push(piece);
    });
    expect(pieces).toEqual(["partial"]);
    expect(error).toBeInstanceOf(ConnectionError);
    expect(error.retryable).toBe(false);
    expect(server.requests).toHaveLength(1);
  });

  it("a stream that ends without finish reason or [DONE]: InvalidResponseError", async () => {
    server.enqueue({ type: "sse", events: [completionChunk({ content: "cut" })], done: false });
    const error = await failure(() => provider().stream(hello).response());
    expect(error).toBeInstanceOf(InvalidResponseError);
  });

  it("malformed JSON in a data line: InvalidResponseError naming the line, truncated", async () => {
    server.enqueue({
      type: "raw",
      chunks: [`data: {"choices":[{"delta":{"content":"a${"b".repeat(5_000)}\n\n`],
    });
    const error = await failure(() => provider().stream(hello).response());
    expect(error).toBeInstanceOf(InvalidResponseError);
    expect(error.message).toContain('not JSON: {"choices":[{"delta":{"content":"abbb');
    expect(error.message.length).toBeLessThan(600);
  });

  it('data: {"error": ...} after 200: the matching typed error', async () => {
    server.enqueue({
      type: "sse",
      events: [
        completionChunk({ content: "x" }),
        { error: { message: "Rate limit reached", type: "rate_limit_error" } },
      ],
    });
    expect(
      await failure(() => provider({ maxRetries: 0 }).stream(hello).response()),
    ).toBeInstanceOf(RateLimitError);
  });

  it("a body of 100 MiB: InvalidResponseError at maxResponseBytes, memory stays bounded", async () => {
    const before = process.memoryUsage();
    server.enqueue({ type: "large", bytes: 100 * 1024 * 1024 });
    const error = await failure(() => provider({ maxRetries: 0 }).call(hello));
    expect(error).toBeInstanceOf(InvalidResponseError);
    expect(error.message).toContain(`maxResponseBytes (${32 * 1024 * 1024})`);
    const after = process.memoryUsage();
    const grown = after.heapUsed + after.arrayBuffers - (before.heapUsed + before.arrayBuffers);
    expect(grown).toBeLessThan(80 * 1024 * 1024);
  });

  it("one SSE event of 100 MiB: InvalidResponseError at maxResponseBytes", async () => {
    server.enqueue({ type: "large", bytes: 100 * 1024 * 1024, sse: true });
    const error = await failure(() =>
      provider({ maxRetries: 0, maxResponseBytes: 1024 * 1024 })
        .stream(hello)
        .response(),
    );
    expect(error).toBeInstanceOf(InvalidResponseError);
    expect(error.message).toContain("exceeded maxResponseBytes (1048576)");
  });

  it("a declared content-length over the limit is refused before reading", async () => {
    server.enqueue({ type: "large", bytes: 100 * 1024 * 1024, contentLength: true });
    const error = await failure(() => provider({ maxRetries: 0 }).call(hello));
    expect(error.message).toContain(`declares ${100 * 1024 * 1024} bytes`);
  });

  it("a multi-byte UTF-8 character split across TCP chunks: text intact", async () => {
    const bytes = Buffer.from(
      `data: ${JSON.stringify(completionChunk({ content: "日本語🦊" }))}\n\n`,
    );
    const cut = bytes.indexOf(Buffer.from("本")) + 1;
    server.enqueue({
      type: "raw",
      chunks: [
        bytes.subarray(0, cut),
        { delayMs: 20 },
        bytes.subarray(cut),
        `data: ${JSON.stringify(completionChunk({}, { finishReason: "stop" }))}\n\n`,
      ],
    });
    expect((await provider().stream(hello).response()).content).toBe("日本語🦊");
  });

  it("': keep-alive' every 100 ms for 5 s, then content: no timeout, content intact", async () => {
    server.enqueue({
      ...textStream(["after the wait"]),
      keepAlive: { everyMs: 100, forMs: 5_000 },
    });
    const res = await provider({ timeoutMs: 1_000, streamIdleTimeoutMs: 10_000 })
      .stream(hello)
      .response();
    expect(res.content).toBe("after the wait");
    // Five seconds of keep-alives by design: more than the default test bound.
  }, 15_000);

  it("keep-alives without data past streamIdleTimeoutMs: TimeoutError (idle)", async () => {
    server.enqueue({ ...textStream(["never"]), keepAlive: { everyMs: 50, forMs: 3_000 } });
    const started = performance.now();
    const error = await failure(() =>
      provider({ timeoutMs: 1_000, streamIdleTimeoutMs: 400 }).stream(hello).response(),
    );
    expect(error).toBeInstanceOf(TimeoutError);
    expect(error.message).toContain("no data for 400 ms (keep-alive comments do not count)");
    expect(performance.now() - started).toBeLessThan(2_000);
  });

  it("the caller aborts mid-stream: AbortError at once, socket released, no unhandled rejection", async () => {
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);
    process.on("unhandledRejection", onUnhandled);
    try {
      server.enqueue({
        type: "sse",
        events: [completionChunk({ content: "1" }), { delayMs: 10_000 }],
      });
      const controller = new AbortController();
      const stream = provider().stream({ ...hello, signal: controller.signal });
      void stream.response();
      const started = performance.now();
      const error = await failure(async () => {
        for await (const _ of stream) controller.abort();
      });
      expect(error).toBeInstanceOf(AbortError);
      expect(performance.now() - started).toBeLessThan(500);
      await until(() => server.openConnections === 0);
      expect(server.openConnections).toBe(0);
      await new Promise((resolve) => setTimeout(resolve, 20));
      expect(unhandled).toEqual([]);
    } finally {
      process.off("unhandledRejection", onUnhandled);
    }
  });

  it("1 000 concurrent calls with maxConcurrency 16: at most 16 sockets, all succeed", async () => {
    server.setFallback({ type: "json", body: completionBody({ content: "ok" }), delayMs: 2 });
    const llm = provider({ maxConcurrency: 16 });
    const results = await Promise.all(Array.from({ length: 1_000 }, () => llm.call(hello)));
    expect(results.every((r) => r.content === "ok")).toBe(true);
    expect(server.requests).toHaveLength(1_000);
    expect(server.connectionCount).toBeLessThanOrEqual(16);
  });

  it("an HTML 502 page from a proxy: ServerError with a truncated raw body", async () => {
    const page = `<html><head><title>502 Bad Gateway</title></head><body><h1>502 Bad Gateway</h1><p>${"upstream ".repeat(2_000)}</p></body></html>`;
    server.enqueue({ type: "error", status: 502, body: page });
    const error = (await failure(() => provider({ maxRetries: 0 }).call(hello))) as ServerError;
    expect(error).toBeInstanceOf(ServerError);
    expect(error.status).toBe(502);
    expect(String(error.body).length).toBeLessThan(2_100);
    expect(error.message).toContain("502 Bad Gateway");
  });
});

describe("retries beyond the matrix", () => {
  it("a stale keep-alive socket (closed before any byte) is retried once on a fresh connection, outside the budget", async () => {
    // The first answer leaves its connection in the pool; the server closes it as the next
    // request arrives on it, unanswered.
    server.enqueue(ok, { type: "reset" }, ok);
    const llm = provider({ maxRetries: 0 });
    await llm.call(hello);
    const res = await llm.call(hello);
    expect(res).toMatchObject({ content: "ok", attempts: 2 });
    expect(server.connectionCount).toBe(2);
    expect(server.requests).toHaveLength(3);
  });

  it.each(TRANSPORT_NAMES)(
    "a fresh connection closed after its request went is no stale socket: not resent for free (%s)",
    async (transport) => {
      // The server read the request and may have acted on it: with no retries allowed, none.
      server.enqueue({ type: "reset" }, ok);
      const llm = provider({ maxRetries: 0 }, { transport: TRANSPORTS[transport] });
      const error = await failure(() => llm.call(hello));
      expect(error).toMatchObject({ name: "ConnectionError", code: "UND_ERR_SOCKET", attempts: 1 });
      expect(server.requests).toHaveLength(1);
    },
  );

  it("a stream is retried while nothing reached the caller", async () => {
    server.enqueue(
      { type: "error", status: 503, body: "", headers: { "retry-after-ms": "10" } },
      textStream(["fine"]),
    );
    const stream = provider().stream(hello);
    const pieces: string[] = [];
    for await (const piece of stream) pieces.push(piece);
    expect(pieces).toEqual(["fine"]);
    expect((await stream.response()).attempts).toBe(2);
  });

  it("503 with Retry-After is honoured", async () => {
    server.enqueue(
      { type: "error", status: 503, body: "", headers: { "retry-after-ms": "300" } },
      ok,
    );
    const started = performance.now();
    await provider().call(hello);
    expect(performance.now() - started).toBeGreaterThanOrEqual(290);
  });

  it("the wait between attempts is abortable", async () => {
    server.enqueue({ type: "error", status: 429, body: "", headers: { "retry-after": "30" } }, ok);
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 100);
    const started = performance.now();
    const error = await failure(() => provider().call({ ...hello, signal: controller.signal }));
    expect(error).toBeInstanceOf(AbortError);
    expect(performance.now() - started).toBeLessThan(1_000);
  });

  it("a per-call maxRetries wins over the provider's", async () => {
    server.enqueue(
      { type: "error", status: 500, body: "" },
      { type: "error", status: 500, body: "" },
      ok,
    );
    const error = await failure(() =>
      provider({ maxRetries: 5 }).call({ ...hello, maxRetries: 1 }),
    );
    expect(error).toMatchObject({ status: 500, attempts: 2 });
  });

  it("the onRetry hook sees each attempt with its reason and wait", async () => {
    const seen: string[] = [];
    server.enqueue(
      { type: "error", status: 429, body: "", headers: { "retry-after-ms": "5" } },
      ok,
    );
    const llm = new ChatClient(
      {},
      { baseUrl: server.baseUrl, model: "m" },
      {
        hooks: [
          {
            onRetry: (retry) => void seen.push(`${retry.attempt}:${retry.delayMs}:${retry.reason}`),
          },
        ],
      },
    );
    providers.push(llm);
    await llm.call(hello);
    expect(seen).toEqual(["1:5:RateLimitError, server asked for 5 ms"]);
  });
});
