// A Redis that answers nothing while its connections stay open (a stopped process, a hung
// host): node-redis bounds no command once written, so without bounds of our own every call
// behind a gate would wait for it without end, past its deadline, its abort and `close()`.
// A real redis-server, stopped with SIGSTOP and let go with SIGCONT.
import { ChatClient, type ChatClientOptions } from "@loom/llm-core";
import { CostTracker, costGates, costHooks } from "@loom/llm-providers";
import { completionBody, createFakeServer, type FakeServer, wireUsage } from "@loom/llm-testing";
import { createClient } from "redis";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { RedisBudgetStore } from "./redis-budget-store.js";
import { RedisConnection } from "./redis-connection.js";
import { RedisRateLimiter } from "./redis-rate-limiter.js";
import { hasRedis, startRedis, type TestRedis } from "./redis-server.fixture.js";

const hello = { messages: [{ role: "user" as const, content: "hi" }], maxTokens: 99 };
let redis: TestRedis;
let server: FakeServer;
const open: { close(): Promise<void> }[] = [];

beforeAll(async () => {
  if (!hasRedis) return;
  redis = await startRedis();
  server = await createFakeServer({
    fallback: { type: "json", body: completionBody({ usage: wireUsage(99, 1) }) },
  });
});
// Whatever a test did, Redis answers again before the next one.
afterEach(() => redis?.resume());
afterAll(async () => {
  redis?.resume();
  await Promise.all(open.map((c) => c.close()));
  await server?.close();
  await redis?.stop();
});

/** The outcome of a promise that should fail: its error. */
const failed = (run: Promise<unknown>): Promise<Error> =>
  run.then(
    () => {
      throw new Error("expected a failure");
    },
    (error: unknown) => error as Error,
  );

const quiet = { warn() {}, info() {} };
// "hi" is 1 token plus maxTokens 99: $0.01 a call at $100 per million on both rates.
const price = { inputPerMtok: 100, outputPerMtok: 100 };

/** A client of the fake server behind `options.gates`, closed after the file. */
function gated(options: ChatClientOptions): ChatClient {
  const llm = new ChatClient({}, { baseUrl: server.baseUrl, model: "m", maxRetries: 0 }, options);
  open.push(llm);
  return llm;
}

/** A plain client of the test's Redis. */
const rawClient = () => createClient({ url: redis.url });

/** `use` with a plain client of the test's Redis, closed after. */
async function withRaw<T>(use: (raw: ReturnType<typeof rawClient>) => Promise<T>): Promise<T> {
  const raw = rawClient();
  await raw.connect();
  try {
    return await use(raw);
  } finally {
    await raw.close();
  }
}

/** Waits (bounded) for Redis to have answered what it was sent while it was stopped. */
const answered = (): Promise<unknown> => withRaw((raw) => raw.ping());

describe.runIf(hasRedis)("a Redis that answers nothing", () => {
  it("the rate limit: a deadline, an abort and close() end the wait at once; places granted late are given back", async () => {
    const warnings: string[] = [];
    const connection = new RedisConnection({
      url: redis.url,
      logger: { warn: (m: string) => void warnings.push(m), info() {} },
    });
    const limiter = new RedisRateLimiter({
      connection,
      key: "stalled",
      requestsPerMinute: 2,
      windowMs: 20_000,
    });
    const llm = gated({ gates: [limiter] });
    open.push(connection);
    await llm.call(hello);
    const sent = server.requests.length;
    redis.pause();

    let started = performance.now();
    const late = await failed(llm.call({ ...hello, deadlineMs: 300 }));
    expect(late.name).toBe("TimeoutError");
    // Its deadline, not the 1.5 s bound on a reply (and far from forever), even when loaded.
    expect(performance.now() - started).toBeLessThan(1_400);

    const controller = new AbortController();
    setTimeout(() => controller.abort(), 50);
    started = performance.now();
    expect((await failed(llm.call({ ...hello, signal: controller.signal }))).name).toBe(
      "AbortError",
    );
    expect(performance.now() - started).toBeLessThan(1_400);
    expect(server.requests.length).toBe(sent);

    // No deadline: after the bound on a reply, Redis counts as unreachable ("open": the call
    // goes, without the shared limit), warned once; the next goes at once.
    await llm.call(hello);
    started = performance.now();
    await llm.call(hello);
    expect(performance.now() - started).toBeLessThan(1_000);
    expect(server.requests.length).toBe(sent + 2);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain("no reply within 1500 ms");

    redis.resume();
    await answered();
    // The first call's place and one more: the window holds 2. Had the places granted to the
    // calls that stopped waiting been kept, the window would be full and this call held.
    await new Promise((resolve) => setTimeout(resolve, 200));
    await llm.call({ ...hello, deadlineMs: 5_000 });
    const full = await failed(llm.call({ ...hello, deadlineMs: 1_000 }));
    expect((full as { phase?: string }).phase).toBe("rate-limit");
  });

  it("the budget: a call aborted while Redis is stopped is never charged; claims granted late are freed", async () => {
    const store = new RedisBudgetStore({ url: redis.url, logger: quiet });
    const tracker = new CostTracker({ budgetUsd: 1, store, budgetKey: "stalled" });
    const llm = gated({
      hooks: [costHooks({ tracker, price })],
      gates: costGates({ tracker, price }),
    });
    open.push(store);
    await llm.call(hello);
    redis.pause();
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 50);
    const started = performance.now();
    expect((await failed(llm.call({ ...hello, signal: controller.signal }))).name).toBe(
      "AbortError",
    );
    expect(performance.now() - started).toBeLessThan(1_400);
    redis.resume();
    await answered();
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(await store.spentUsd("stalled")).toBeCloseTo(0.01, 10);
    expect(await withRaw((raw) => raw.zCard("loom:budget:{stalled}:claims"))).toBe(0);
  });

  it("close() settles while Redis answers nothing, and the call waiting on it fails unsent at once", async () => {
    const connection = new RedisConnection({ url: redis.url, logger: quiet });
    const limiter = new RedisRateLimiter({ connection, key: "closing", requestsPerMinute: 10 });
    const llm = gated({ gates: [limiter] });
    await llm.call(hello);
    const sent = server.requests.length;
    redis.pause();
    const waiting = failed(llm.call(hello));
    await new Promise((resolve) => setTimeout(resolve, 100));
    const started = performance.now();
    await connection.close();
    // The moment given to replies on their way, then dropped: never Redis's return.
    expect(performance.now() - started).toBeLessThan(3_000);
    const error = await waiting;
    expect(error.name).toBe("ConnectionError");
    expect(error.message).toContain("not sent");
    expect(server.requests.length).toBe(sent);
  });

  it("closed while Redis is stopped, Redis back within close()'s moment: the claims and places it granted are given back", async () => {
    const connection = new RedisConnection({ url: redis.url, logger: quiet });
    const store = new RedisBudgetStore({ connection });
    const limiter = new RedisRateLimiter({ connection, key: "closed-late", requestsPerMinute: 10 });
    const tracker = new CostTracker({ budgetUsd: 1, store, budgetKey: "closed-late" });
    const llm = gated({ gates: [limiter, ...costGates({ tracker, price })] });
    await llm.call(hello);
    const sent = server.requests.length;
    redis.pause();
    const waiting = [1, 2, 3].map(() => failed(llm.call(hello)));
    await new Promise((resolve) => setTimeout(resolve, 200));
    const closing = connection.close();
    setTimeout(() => redis.resume(), 300);
    await closing;
    for (const error of await Promise.all(waiting)) expect(error.name).toBe("ConnectionError");
    expect(server.requests.length).toBe(sent);
    await withRaw(async (raw) => {
      expect(await raw.zCard("loom:budget:{closed-late}:claims")).toBe(0);
      // The first call's place alone: those that never went gave theirs back.
      expect(await raw.zCard("loom:rl:{closed-late}:req:t")).toBe(1);
    });
  });

  it("a reply after a stall ends that outage: the next one is warned about again, and the return is logged", async () => {
    const logged: string[] = [];
    const own = await startRedis();
    const limiter = new RedisRateLimiter({
      url: own.url,
      key: "twice",
      requestsPerMinute: 1_000,
      logger: {
        warn: (m: string) => void logged.push(`warn ${m}`),
        info: (m: string) => void logged.push(`info ${m}`),
      },
    });
    const llm = gated({ gates: [limiter] });
    try {
      await llm.call(hello);
      // Its usage correction done before Redis stops.
      await new Promise((resolve) => setTimeout(resolve, 100));
      own.pause();
      // Stalled: let through after the bound on a reply, warned.
      await llm.call(hello);
      own.resume();
      // No reconnection (no `ready`): the connection never dropped. A reply is the sign.
      await new Promise((resolve) => setTimeout(resolve, 300));
      await llm.call(hello);
      const counted = limiter.unavailable;
      await new Promise((resolve) => setTimeout(resolve, 100));
      await own.kill();
      await llm.call(hello);
      expect(limiter.unavailable).toBe(counted + 1);
      expect(logged.map((m) => m.split(" (")[0])).toEqual([
        `warn loom: Redis at ${own.url} is unreachable`,
        `info loom: Redis at ${own.url} is back`,
        `warn loom: Redis at ${own.url} is unreachable`,
      ]);
    } finally {
      own.resume();
      await limiter.close();
      await own.stop();
    }
  });

  it("an error reply (out of memory) is an outage for that request only: the next, once Redis can write, is counted", async () => {
    const connection = new RedisConnection({ url: redis.url, logger: quiet });
    const limiter = new RedisRateLimiter({ connection, key: "oom", requestsPerMinute: 100 });
    const llm = gated({ gates: [limiter] });
    open.push(connection);
    await withRaw(async (raw) => {
      try {
        await llm.call(hello);
        await raw.configSet({ maxmemory: "1", "maxmemory-policy": "noeviction" });
        // Redis refuses the window's write (OOM): let through without the limit ("open").
        await llm.call(hello);
        expect(limiter.unavailable).toBe(1);
        await raw.configSet("maxmemory", "0");
        await llm.call(hello);
        // Counted again, not failing fast as if Redis had gone quiet.
        expect(limiter.unavailable).toBe(1);
        expect(await raw.zCard("loom:rl:{oom}:req:t")).toBe(2);
      } finally {
        await raw.configSet("maxmemory", "0");
      }
    });
  });
});
