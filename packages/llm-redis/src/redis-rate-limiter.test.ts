// The shared rate limit's single-process behaviour against a real redis-server: deadlines,
// aborts, token estimates corrected by usage, and one client's provider headers holding another.
import { ChatClient } from "@loom/llm-core";
import { completionBody, createFakeServer, type FakeServer, wireUsage } from "@loom/llm-testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { RedisConnection, script } from "./redis-connection.js";
import { RedisRateLimiter, type RedisRateLimitOptions } from "./redis-rate-limiter.js";
import { RedisScriptError } from "./redis-script-error.js";
import { hasRedis, startRedis, type TestRedis } from "./redis-server.fixture.js";
import { ACQUIRE } from "./sliding-window-script.js";

const hello = { messages: [{ role: "user" as const, content: "hello" }] };
let redis: TestRedis;
let server: FakeServer;
const open: { close(): Promise<void> }[] = [];

beforeAll(async () => {
  if (!hasRedis) return;
  redis = await startRedis();
  server = await createFakeServer({
    fallback: { type: "json", body: completionBody({ usage: wireUsage(5, 10) }) },
  });
});
afterAll(async () => {
  await Promise.all(open.map((c) => c.close()));
  await server?.close();
  await redis?.stop();
});

let n = 0;
/** A client with its own limiter (its own Redis connection) on the limit `key`. */
function client(options: Partial<RedisRateLimitOptions>, key = `limit-${++n}`): ChatClient {
  const limiter = new RedisRateLimiter({ url: redis.url, key, ...options });
  const llm = new ChatClient(
    {},
    { baseUrl: server.baseUrl, model: "m", maxRetries: 0 },
    { gates: [limiter] },
  );
  open.push(llm, limiter);
  return llm;
}

describe.runIf(hasRedis)("RedisRateLimiter", () => {
  it("a wait past the call's deadline fails at once, with nothing sent; a wait is abortable", async () => {
    const llm = client({ requestsPerMinute: 1, windowMs: 10_000 });
    await llm.call(hello);
    const before = server.requests.length;
    const started = performance.now();
    const late = await llm.call({ ...hello, deadlineMs: 500 }).catch((e: unknown) => e);
    expect((late as { phase?: string }).phase).toBe("rate-limit");
    expect(performance.now() - started).toBeLessThan(400);
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 100);
    const aborted = await llm
      .call({ ...hello, signal: controller.signal })
      .catch((e: unknown) => e);
    expect((aborted as Error).name).toBe("AbortError");
    expect(server.requests.length).toBe(before);
  });

  it("a round trip to Redis is not a wait: only a hold it ordered is", async () => {
    const limiter = new RedisRateLimiter({
      url: redis.url,
      key: `limit-${++n}`,
      requestsPerMinute: 1,
      windowMs: 400,
    });
    open.push(limiter);
    const entry = {
      provider: "p",
      model: "m",
      estimatedTokens: 1,
      request: hello,
      deadline: undefined,
    };
    const first = await limiter.enter(entry, undefined);
    expect(first.waitedMs).toBe(0);
    first.leave({ sent: true });
    // Most of a window, with room for a slow machine between the two.
    expect((await limiter.enter(entry, undefined)).waitedMs).toBeGreaterThanOrEqual(200);
  });

  it("token estimates are corrected by the reported usage", async () => {
    // Estimated at prompt + maxTokens 60 each; each reports 15 tokens.
    const llm = client({ tokensPerMinute: 100, windowMs: 5_000 });
    const started = performance.now();
    for (let i = 0; i < 3; i++) await llm.call({ ...hello, maxTokens: 60 });
    expect(performance.now() - started).toBeLessThan(2_000);
  });

  it("one client's provider headers hold another's requests on the same limit", async () => {
    const a = client({ requestsPerMinute: 100 }, "shared-headers");
    const b = client({ requestsPerMinute: 100 }, "shared-headers");
    server.enqueue({
      type: "json",
      body: completionBody(),
      headers: { "x-ratelimit-remaining-requests": "0", "x-ratelimit-reset-requests": "600ms" },
    });
    await a.call(hello);
    // The headers are recorded as the call ends; give Redis the moment it takes.
    await new Promise((resolve) => setTimeout(resolve, 50));
    const started = performance.now();
    await b.call(hello);
    expect(performance.now() - started).toBeGreaterThanOrEqual(450);
  });

  it("close() ends the waits: those requests fail unsent, none goes through unlimited", async () => {
    const limiter = new RedisRateLimiter({
      url: redis.url,
      key: "closing",
      requestsPerMinute: 1,
      windowMs: 5_000,
    });
    const llm = new ChatClient(
      {},
      { baseUrl: server.baseUrl, model: "m", maxRetries: 0 },
      { gates: [limiter] },
    );
    open.push(llm);
    await llm.call(hello);
    const before = server.requests.length;
    const waiting = [
      llm.call(hello).catch((e: unknown) => e),
      llm.call(hello).catch((e: unknown) => e),
    ];
    setTimeout(() => void limiter.close(), 100);
    const started = performance.now();
    const errors = (await Promise.all(waiting)) as Error[];
    expect(performance.now() - started).toBeLessThan(1_000);
    for (const error of errors) expect(error.message).toContain("the rate limiter was closed");
    expect(server.requests.length).toBe(before);
  });

  it("closing a shared connection ends the waits of the gates using it: they fail unsent, at once", async () => {
    const connection = new RedisConnection({ url: redis.url });
    const limiter = new RedisRateLimiter({
      connection,
      key: "closing-connection",
      requestsPerMinute: 1,
      windowMs: 5_000,
    });
    const llm = new ChatClient(
      {},
      { baseUrl: server.baseUrl, model: "m", maxRetries: 0 },
      { gates: [limiter] },
    );
    open.push(llm, limiter, connection);
    await llm.call(hello);
    const before = server.requests.length;
    const waiting = llm.call(hello).catch((e: unknown) => e);
    await new Promise((resolve) => setTimeout(resolve, 100));
    const started = performance.now();
    await connection.close();
    const error = (await waiting) as Error & { retryable?: boolean };
    const tookMs = performance.now() - started;
    // Ends at once (tens of ms when idle), far inside the 5 s the window would hold it.
    expect(tookMs).toBeLessThan(2_000);
    expect(error.name).toBe("ConnectionError");
    expect(error.message).toContain("connection was closed; the request was not sent");
    expect(error.retryable).toBe(false);
    expect(server.requests.length).toBe(before);
    // And a later request is refused at once, not let through without the limit.
    const later = (await llm.call(hello).catch((e: unknown) => e)) as Error;
    expect(later.name).toBe("ConnectionError");
    expect(server.requests.length).toBe(before);
  });

  it("a bad argument to the window script is a RedisScriptError, not an outage, and writes nothing", async () => {
    const connection = new RedisConnection({ url: redis.url });
    open.push(connection);
    const keys = ["req:t", "req:a", "req:n", "tok:t", "tok:a", "tok:n"].map(
      (k) => `t:rl:{bad}:${k}`,
    );
    // Unchecked, a NaN estimate went into the window's sums: answered as if valid (held for a
    // while, or half an entry written), never as the bug it is.
    const error = await connection
      .run(script(ACQUIRE, "acquire"), keys, [1_000, 5, 100, "entry-1", Number.NaN])
      .catch((e: unknown) => e);
    expect(RedisScriptError.isInstance(error)).toBe(true);
    expect((error as Error).message).toContain("the tokens must be a whole number");
    expect(connection.unavailable).toBe(0);
    const check = await connection.run(script("return redis.call('KEYS', 't:rl:*')"), [], []);
    expect(check).toEqual([]);
  });

  it("a malformed URL is a ConfigError that never shows the password; limits must be positive", () => {
    for (const url of [
      "redis://:s3cretPW@127.0.0.1:notaport",
      "http://:s3cretPW@127.0.0.1:6379",
      // A raw `/` in a pasted password makes the URL unparseable.
      "redis://:s3cretPW/x+y=@127.0.0.1:6379",
      // A stray `%` parses as a URL but cannot be decoded (node-redis would throw a URIError).
      "redis://:s3cretPW%zz@127.0.0.1:6379",
      // A raw `@` then `#` or `?` in the password: a parser reads a host `ss` and a fragment or
      // query; refused, never connected to `ss`, the password's tail never shown.
      "redis://default:p@ss#s3cretPW@127.0.0.1:6379",
      "redis://default:p@ss?s3cretPW@127.0.0.1:6379",
    ]) {
      const error = (() => {
        try {
          new RedisRateLimiter({ url, requestsPerMinute: 1 });
          return undefined;
        } catch (e) {
          return e as Error;
        }
      })();
      expect(error?.name).toBe("ConfigError");
      expect(`${error?.message} ${JSON.stringify(error)}`).not.toContain("s3cretPW");
    }
    expect(() => new RedisRateLimiter({ url: redis.url, requestsPerMinute: 0 })).toThrow(
      "must be a positive integer",
    );
    // A number as text says so: "got 5" would read as a valid value.
    expect(
      () => new RedisRateLimiter({ url: redis.url, requestsPerMinute: "5" as unknown as number }),
    ).toThrow('requestsPerMinute: must be a positive integer up to 2147483647, got the string "5"');
    expect(
      () => new RedisRateLimiter({ url: redis.url, requestsPerMinute: 1, marginMs: Number.NaN }),
    ).toThrow("marginMs: must be a whole number of milliseconds (0 or more), got NaN");
    // A misspelt mode must not quietly fail open.
    expect(
      () =>
        new RedisRateLimiter({
          url: redis.url,
          requestsPerMinute: 1,
          whenUnavailable: "clsoed" as "closed",
        }),
    ).toThrow('whenUnavailable: must be "open" or "closed", got "clsoed"');
  });

  it("url, prefix and key of the wrong kind are ConfigErrors naming what they got", async () => {
    const made = (options: Partial<RedisRateLimitOptions>): Error | undefined => {
      try {
        new RedisRateLimiter({ url: redis.url, requestsPerMinute: 1, ...options });
        return undefined;
      } catch (e) {
        return e as Error;
      }
    };
    for (const [options, message] of [
      [{ url: null }, "url: must be a redis:// or rediss:// URL string, got null"],
      [{ url: 6379 }, "url: must be a redis:// or rediss:// URL string, got 6379"],
      [{ url: {} }, "url: must be a redis:// or rediss:// URL string, got an object"],
      [{ url: true }, "url: must be a redis:// or rediss:// URL string, got the boolean true"],
      [{ prefix: "" }, "prefix: must be a non-empty string without { or }, got an empty string"],
      [{ prefix: {} }, "got an object"],
      [{ prefix: 5 }, "prefix: must be a non-empty string without { or }, got 5"],
      // A brace would move the hash tag that keeps a limit's keys in one cluster slot.
      [{ prefix: "{}" }, 'got the string "{}"'],
      [
        { key: "" },
        "key: must be a non-empty string (or a function returning one), got an empty string",
      ],
      [{ key: {} }, "key: must be a non-empty string (or a function returning one), got an object"],
      [{ key: 5 }, "got 5"],
    ] as const) {
      const error = made(options as Partial<RedisRateLimitOptions>);
      expect(error?.name, JSON.stringify(options)).toBe("ConfigError");
      expect(error?.message).toContain(message);
    }
    // A key function's name is checked per request: refused before anything is sent.
    const limiter = new RedisRateLimiter({
      url: redis.url,
      requestsPerMinute: 1,
      key: () => "",
    });
    open.push(limiter);
    await expect(
      limiter.enter(
        { provider: "p", model: "m", estimatedTokens: 1, request: hello, deadline: undefined },
        undefined,
      ),
    ).rejects.toThrow(
      "key: must be a non-empty string (or a function returning one), got an empty string",
    );
    expect(limiter.unavailable).toBe(0);
  });

  it("Redis never reached: one request waits for the first connection, the next fail fast", async () => {
    const limiter = new RedisRateLimiter({
      url: "redis://127.0.0.1:9",
      logger: { warn() {} },
      requestsPerMinute: 10,
    });
    const llm = new ChatClient(
      {},
      { baseUrl: server.baseUrl, model: "m", maxRetries: 0 },
      { gates: [limiter] },
    );
    open.push(llm, limiter);
    await llm.call(hello);
    const started = performance.now();
    await llm.call(hello);
    expect(performance.now() - started).toBeLessThan(500);
    expect(limiter.unavailable).toBe(2);
  });
});
