// The shared budget against a real redis-server: a call goes only if it fits with what was
// spent and the claims in flight; an argument the scripts cannot add up is a bug, refused
// before anything is written, never an outage to fail open on.
import { ChatClient } from "@loom/llm-core";
import { CostTracker, costGates, costHooks } from "@loom/llm-providers";
import { completionBody, createFakeServer, type FakeServer, wireUsage } from "@loom/llm-testing";
import { BudgetExceededError } from "@loom/llm-types";
import { createClient } from "redis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { RESERVE } from "./budget-script.js";
import { RedisBudgetStore } from "./redis-budget-store.js";
import { RedisConnection, script } from "./redis-connection.js";
import { RedisScriptError } from "./redis-script-error.js";
import { hasRedis, startRedis, type TestRedis } from "./redis-server.fixture.js";

// "hi" is 1 token by the estimate, plus maxTokens 99: 100 tokens at $100 per million on both
// rates, $0.01; the server reports 1 + 99 tokens. Each call costs exactly its estimate.
const price = { inputPerMtok: 100, outputPerMtok: 100 };
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
afterAll(async () => {
  await Promise.all(open.map((c) => c.close()));
  await server?.close();
  await redis?.stop();
});

/** A client whose tracker keeps a $0.035 budget under `key` in Redis. */
function client(key: string): { llm: ChatClient; store: RedisBudgetStore } {
  const store = new RedisBudgetStore({ url: redis.url });
  const tracker = new CostTracker({ budgetUsd: 0.035, store, budgetKey: key });
  const llm = new ChatClient(
    {},
    { baseUrl: server.baseUrl, model: "m", maxRetries: 0 },
    { hooks: [costHooks({ tracker, price })], gates: costGates({ tracker, price }) },
  );
  open.push(llm, store);
  return { llm, store };
}

/** Every key of the test's Redis under a pattern. */
async function keysLike(pattern: string): Promise<string[]> {
  const raw = createClient({ url: redis.url });
  await raw.connect();
  try {
    return await raw.keys(pattern);
  } finally {
    await raw.close();
  }
}

describe.runIf(hasRedis)("RedisBudgetStore", () => {
  it("each call costing exactly its $0.01 estimate: $0.035 admits three, one at a time or ten at once", async () => {
    const { llm, store } = client("exact-one-by-one");
    const before = server.requests.length;
    const outcomes: string[] = [];
    for (let i = 0; i < 5; i++)
      outcomes.push(
        await llm.call(hello).then(
          () => "sent",
          (e: unknown) => (BudgetExceededError.isInstance(e) ? "refused" : String(e)),
        ),
      );
    expect(outcomes).toEqual(["sent", "sent", "sent", "refused", "refused"]);
    expect(server.requests.length - before).toBe(3);
    // The commits are sent as the calls end: give Redis the moment they take.
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(await store.spentUsd("exact-one-by-one")).toBeCloseTo(0.03, 12);

    const many = client("exact-at-once");
    const results = await Promise.allSettled(
      Array.from({ length: 10 }, () => many.llm.call(hello)),
    );
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(3);
    expect(
      results.filter((r) => r.status === "rejected" && BudgetExceededError.isInstance(r.reason)),
    ).toHaveLength(7);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(await many.store.spentUsd("exact-at-once")).toBeCloseTo(0.03, 12);
  });

  it("a NaN estimate is a RedisScriptError, not an outage: nothing is written, nothing let through", async () => {
    const warnings: string[] = [];
    const store = new RedisBudgetStore({
      url: redis.url,
      logger: { warn: (m: string) => warnings.push(m) },
    });
    open.push(store);
    const request = { key: "bad-estimate", budgetUsd: 1, provider: "p", model: "m" };
    const error = await store.reserve({ ...request, estimateUsd: Number.NaN }).catch((e) => e);
    expect(RedisScriptError.isInstance(error)).toBe(true);
    expect((error as RedisScriptError).message).toContain("the estimate must be a finite number");
    expect((error as RedisScriptError).retryable).toBe(false);
    expect(store.unavailable).toBe(0);
    expect(warnings).toEqual([]);
    expect(await keysLike("loom:budget:{bad-estimate}:*")).toEqual([]);
    // The budget is whole: a good call goes, and is the only claim.
    (await store.reserve({ ...request, estimateUsd: 1 })).commit(1);
  });

  it("the reserve script checks every argument before writing: a NaN claim lifetime leaves no half-made claim", async () => {
    const connection = new RedisConnection({ url: redis.url });
    open.push(connection);
    const keys = [
      "t:budget:{lifetime}:spent",
      "t:budget:{lifetime}:claims",
      "t:budget:{lifetime}:lapses",
    ];
    for (const lifetime of ["NaN", "-1", "inf", "x"]) {
      const error = await connection
        .run(script(RESERVE, "reserve"), keys, [1, 0.01, "claim-1", lifetime, 0])
        .catch((e: unknown) => e);
      expect(RedisScriptError.isInstance(error)).toBe(true);
      expect((error as Error).message).toContain('"reserve"');
    }
    expect(await keysLike("t:budget:*")).toEqual([]);
    expect(connection.unavailable).toBe(0);
  });

  it("options that are not numbers of milliseconds are refused when the store is made", () => {
    expect(() => new RedisBudgetStore({ url: redis.url, claimLifetimeMs: Number.NaN })).toThrow(
      "claimLifetimeMs: must be a positive integer, got NaN",
    );
    expect(() => new RedisBudgetStore({ url: redis.url, claimLifetimeMs: -1 })).toThrow(
      "claimLifetimeMs: must be a positive integer, got -1",
    );
    expect(
      () => new RedisBudgetStore({ url: redis.url, ttlMs: "60000" as unknown as number }),
    ).toThrow('ttlMs: must be a non-negative integer, got the string "60000"');
  });

  it("Redis gone (open): the call goes, and the tracker keeps the last remainder it knew, not the whole budget", async () => {
    const own = await startRedis();
    const store = new RedisBudgetStore({ url: own.url, logger: { warn() {}, info() {} } });
    const tracker = new CostTracker({ budgetUsd: 0.035, store, budgetKey: "outage" });
    const llm = new ChatClient(
      {},
      { baseUrl: server.baseUrl, model: "m", maxRetries: 0 },
      { hooks: [costHooks({ tracker, price })], gates: costGates({ tracker, price }) },
    );
    try {
      await llm.call(hello);
      await llm.call(hello);
      // Two claims of $0.01 against $0.035, the second claimed with the first spent.
      expect(tracker.remainingUsd).toBeCloseTo(0.015, 12);
      // The commits are sent as the calls end: done before Redis goes.
      await new Promise((resolve) => setTimeout(resolve, 100));
      await own.kill();
      const reservation = await store.reserve({
        key: "outage",
        budgetUsd: 0.035,
        estimateUsd: 0.01,
        provider: "p",
        model: "m",
      });
      expect(reservation.remainingUsd).toBeUndefined();
      expect(reservation.spentUsd).toBeUndefined();
      await llm.call(hello);
      expect(store.unavailable).toBe(2);
      expect(tracker.remainingUsd).toBeCloseTo(0.015, 12);
    } finally {
      await llm.close();
      await store.close();
      await own.stop();
    }
  });

  it("a closed store refuses, never lets a call through unaccounted", async () => {
    const warnings: string[] = [];
    const store = new RedisBudgetStore({
      url: redis.url,
      logger: { warn: (m: string) => warnings.push(m) },
    });
    await store.close();
    const error = await store
      .reserve({ key: "closed", budgetUsd: 1, estimateUsd: 0.01, provider: "p", model: "m" })
      .catch((e: unknown) => e);
    expect((error as Error).name).toBe("ConnectionError");
    expect((error as Error).message).toContain("was closed");
    expect(warnings).toEqual([]);
  });
});
