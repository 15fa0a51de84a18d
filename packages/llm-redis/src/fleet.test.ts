// A fleet against a real redis-server: worker processes share one rate limit and one budget
// through it; Redis killed mid-run and restarted. The fake server counts what it received.
import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { ChatClient } from "@loom/llm-core";
import { completionBody, createFakeServer, type FakeServer, mostInWindow } from "@loom/llm-testing";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { RedisBudgetStore } from "./redis-budget-store.js";
import { RedisRateLimiter } from "./redis-rate-limiter.js";
import { hasRedis, startRedis, type TestRedis } from "./redis-server.fixture.js";

const run = promisify(execFile);
const worker = fileURLToPath(new URL("./fleet-worker.fixture.ts", import.meta.url));
const hello = { messages: [{ role: "user" as const, content: "hello" }] };
// Each call costs 1 000 prompt and 1 000 completion tokens of gpt-4o-mini: $0.00075.
const PER_CALL_USD = (1_000 * 0.15 + 1_000 * 0.6) / 1_000_000;
// What each call claims before it goes: "hello" (2 tokens) plus maxTokens 1 000, at the dearer
// rate. Under the cost: each call may end $0.0001488 past its claim.
const ESTIMATE_USD = ((2 + 1_000) * 0.6) / 1_000_000;

let redis: TestRedis;
let server: FakeServer;
let arrivals: number[] = [];

beforeAll(async () => {
  if (!hasRedis) return;
  redis = await startRedis();
  server = await createFakeServer({
    fallback: () => {
      arrivals.push(performance.now());
      return {
        type: "json",
        body: completionBody({
          usage: { prompt_tokens: 1_000, completion_tokens: 1_000, total_tokens: 2_000 },
        }),
      };
    },
  });
});
afterAll(async () => {
  await server?.close();
  await redis?.stop();
});
beforeEach(() => {
  arrivals = [];
});

async function workers(count: number, args: string[]): Promise<Record<string, number>[]> {
  const outputs = await Promise.all(
    Array.from({ length: count }, () =>
      run(process.execPath, [worker, server.baseUrl, redis.url, ...args], { timeout: 60_000 }),
    ),
  );
  return outputs.map(({ stdout }) => JSON.parse(stdout.trim().split("\n").at(-1) ?? "{}"));
}

describe.runIf(hasRedis)("a fleet on Redis", () => {
  it("four processes share one limit: the server never sees more than it in any window", async () => {
    // After a warm-up call each, 4 workers × 6 calls at 5 per 2 s (a second's window and a
    // second's margin): at least eight seconds. The margin covers the time a request takes from
    // Redis to the server on two cores shared with other work (hundreds of milliseconds when
    // the machine is loaded).
    const startAt = Date.now() + 2_500;
    const results = await workers(4, ["rate", "6", "5", "1000", String(startAt), "1000"]);
    expect(results.map((r) => r.done)).toEqual([6, 6, 6, 6]);
    const measured = arrivals.slice(4);
    expect(measured).toHaveLength(24);
    arrivals = measured;
    // Each request counts for its second plus the margin (`marginMs`), for the time it takes to
    // reach the server: what the server sees stays within the limit in any second.
    expect(mostInWindow(arrivals, 1_000)).toBeLessThanOrEqual(5);
    expect((arrivals.at(-1) ?? 0) - (arrivals[0] ?? 0)).toBeGreaterThanOrEqual(4 * 2_000 - 150);
  }, 45_000);

  it("four processes share one budget: spending stops at it, past it only what the calls in flight cost beyond their claims", async () => {
    const budgetUsd = 0.01;
    // Each worker keeps two calls in flight until the budget refuses.
    const results = await workers(4, ["budget", String(budgetUsd), "shared-budget", "2"]);
    const calls = results.reduce((sum, r) => sum + (r.calls ?? 0), 0);
    expect(results.every((r) => (r.refused ?? 0) === 2)).toBe(true);
    // Every reservation went through Redis (none let through unaccounted, as an outage would).
    expect(results.map((r) => r.unaccounted)).toEqual([0, 0, 0, 0]);
    const spent = calls * PER_CALL_USD;
    const inFlight = 4 * 2;
    expect(spent).toBeGreaterThanOrEqual(budgetUsd - inFlight * PER_CALL_USD);
    // At most the calls in flight at the last admission, each past its estimate.
    expect(spent).toBeLessThanOrEqual(budgetUsd + inFlight * (PER_CALL_USD - ESTIMATE_USD) + 1e-12);
    const store = new RedisBudgetStore({ url: redis.url });
    expect(await store.spentUsd("shared-budget")).toBeCloseTo(spent, 9);
    await store.close();
    expect(arrivals).toHaveLength(calls);
  }, 30_000);

  it("Redis killed mid-run: open lets calls through with one warning, closed refuses them; restarted, the limit holds again", async () => {
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);
    process.on("unhandledRejection", onUnhandled);
    const warnings: string[] = [];
    const logger = { warn: (m: string) => warnings.push(m), info: () => {} };
    const open = new RedisRateLimiter({
      url: redis.url,
      logger,
      requestsPerMinute: 2,
      windowMs: 60_000,
      key: "outage-open",
    });
    const closed = new RedisRateLimiter({
      url: redis.url,
      logger,
      whenUnavailable: "closed",
      requestsPerMinute: 100,
      key: "outage-closed",
    });
    const config = { baseUrl: server.baseUrl, model: "m", maxRetries: 0 };
    const a = new ChatClient({}, config, { gates: [open] });
    const b = new ChatClient({}, config, { gates: [closed] });
    try {
      await a.call(hello);
      await a.call(hello);
      await b.call(hello);
      // Two of two used: a third waits.
      const held = new AbortController();
      setTimeout(() => held.abort(), 200);
      await expect(a.call({ ...hello, signal: held.signal })).rejects.toThrow();

      await redis.kill();
      const before = arrivals.length;
      await a.call(hello);
      await a.call(hello);
      expect(arrivals.length).toBe(before + 2);
      expect(open.unavailable).toBeGreaterThanOrEqual(2);
      // One warning per connection and outage, however many requests it affected.
      expect(
        warnings.filter((w) => w.includes("go through without the shared limits")),
      ).toHaveLength(1);
      const refused = await b.call(hello).catch((e: unknown) => e);
      expect((refused as Error).name).toBe("ConnectionError");
      expect((refused as Error).message).toContain('whenUnavailable: "closed"');
      expect(arrivals.length).toBe(before + 2);
      expect(warnings.filter((w) => w.includes("are refused until it is back"))).toHaveLength(1);

      await redis.restart();
      // Reconnected on its own (a fresh, empty Redis): the limit counts from zero and holds.
      let recovered = false;
      for (let i = 0; i < 40 && !recovered; i++) {
        await new Promise((resolve) => setTimeout(resolve, 100));
        recovered = await b.call(hello).then(
          () => true,
          () => false,
        );
      }
      expect(recovered).toBe(true);
      // `a`'s connection reconnects on its own too, maybe later than `b`'s: until it has, its
      // calls go through unlimited (open). The first that goes through Redis counts in the
      // fresh window; one more fills it.
      let counted = false;
      for (let i = 0; i < 40 && !counted; i++) {
        const missed = open.unavailable;
        await a.call(hello);
        counted = open.unavailable === missed;
        if (!counted) await new Promise((resolve) => setTimeout(resolve, 100));
      }
      expect(counted).toBe(true);
      await a.call(hello);
      const third = new AbortController();
      setTimeout(() => third.abort(), 200);
      await expect(a.call({ ...hello, signal: third.signal })).rejects.toThrow();
      expect(unhandled).toEqual([]);
    } finally {
      process.off("unhandledRejection", onUnhandled);
      await Promise.all([a.close(), b.close(), open.close(), closed.close()]);
    }
  }, 30_000);
});
