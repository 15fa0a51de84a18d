// Redis Cluster is not supported, and says so: a node that sends a key elsewhere (MOVED) is
// refused with a ConfigError, never taken for an outage that would let the fleet run unlimited.
// And each limit's keys share one hash tag whatever its name, so a script never touches two
// slots (CROSSSLOT). Real redis-servers in cluster mode: one holding every slot, one joined to
// it holding none.
import { ChatClient } from "@loom/llm-core";
import { CostTracker, costGates } from "@loom/llm-providers";
import { completionBody, createFakeServer, type FakeServer, wireUsage } from "@loom/llm-testing";
import { ConfigError } from "@loom/llm-types";
import { createClient } from "redis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { RedisBudgetStore } from "./redis-budget-store.js";
import { hashTag, RedisConnection } from "./redis-connection.js";
import { RedisRateLimiter } from "./redis-rate-limiter.js";
import { hasRedis, startRedis, type TestRedis } from "./redis-server.fixture.js";

const hello = { messages: [{ role: "user" as const, content: "hi" }], maxTokens: 9 };
const price = { inputPerMtok: 100, outputPerMtok: 100 };
const cluster = ["--cluster-enabled", "yes", "--cluster-node-timeout", "2000"];
let owner: TestRedis | undefined;
let empty: TestRedis | undefined;
let server: FakeServer | undefined;
const open: { close(): Promise<void> }[] = [];

/** A plain client of one node. */
const rawClient = (node: TestRedis) => createClient({ url: node.url });

/** `use` with a plain client of one node, closed after. */
async function withRaw<T>(
  node: TestRedis,
  use: (raw: ReturnType<typeof rawClient>) => Promise<T>,
): Promise<T> {
  const raw = rawClient(node);
  await raw.connect();
  try {
    return await use(raw);
  } finally {
    await raw.close();
  }
}

/** Polls `check` every 100 ms for up to 10 s. */
async function until(check: () => Promise<boolean>): Promise<void> {
  for (let i = 0; i < 100; i++) {
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error("the cluster never came up");
}

beforeAll(async () => {
  if (!hasRedis) return;
  server = await createFakeServer({
    fallback: { type: "json", body: completionBody({ usage: wireUsage(9, 1) }) },
  });
  owner = await startRedis(cluster);
  empty = await startRedis(cluster);
  const port = owner.port;
  await withRaw(owner, (raw) => raw.sendCommand(["CLUSTER", "ADDSLOTSRANGE", "0", "16383"]));
  await withRaw(empty, (raw) => raw.sendCommand(["CLUSTER", "MEET", "127.0.0.1", String(port)]));
  // Both nodes know who holds every slot: the one with none answers MOVED.
  for (const node of [owner, empty])
    await until(() =>
      withRaw(node, async (raw) =>
        String(await raw.sendCommand(["CLUSTER", "INFO"])).includes("cluster_state:ok"),
      ),
    );
}, 30_000);
afterAll(async () => {
  await Promise.all(open.map((c) => c.close()));
  await server?.close();
  await owner?.stop();
  await empty?.stop();
});

/** A client of the fake server behind a limiter and a budget on `connection`. */
function gated(connection: RedisConnection, key: string, budgetKey: string) {
  const limiter = new RedisRateLimiter({ connection, key, requestsPerMinute: 100 });
  const tracker = new CostTracker({
    budgetUsd: 1,
    store: new RedisBudgetStore({ connection }),
    budgetKey,
  });
  const llm = new ChatClient(
    {},
    { baseUrl: (server as FakeServer).baseUrl, model: "m", maxRetries: 0 },
    { gates: [limiter, ...costGates({ tracker, price })] },
  );
  open.push(llm);
  return llm;
}

describe.runIf(hasRedis)("Redis Cluster", () => {
  it("a limit's or a budget's keys share one hash tag whatever its name: no CROSSSLOT, every call counted", async () => {
    const node = owner as TestRedis;
    const connection = new RedisConnection({ url: node.url, logger: { warn() {}, info() {} } });
    open.push(connection);
    // Braces, an escaped brace, a percent sign, unicode: each once as a limit and as a budget.
    const names = ["}x", "{}", "a{b}c", "%7D}", "%", "ключ 🔑 x"];
    for (const name of names) await gated(connection, name, name).call(hello);
    // Without the tag encoded, the scripts' keys hash to several slots: CROSSSLOT, an outage.
    expect(connection.unavailable).toBe(0);
    await new Promise((resolve) => setTimeout(resolve, 100));
    await withRaw(node, async (raw) => {
      for (const name of names) {
        const limit = await raw.keys(`loom:rl:${hashTag(name).replace(/[*?[\]\\]/g, "\\$&")}:*`);
        const budget = await raw.keys(
          `loom:budget:${hashTag(name).replace(/[*?[\]\\]/g, "\\$&")}:*`,
        );
        expect(limit.length).toBeGreaterThan(0);
        expect(budget.length).toBeGreaterThan(0);
        for (const keys of [limit, budget]) {
          const slots = new Set<unknown>();
          for (const key of keys) slots.add(await raw.sendCommand(["CLUSTER", "KEYSLOT", key]));
          expect(slots.size).toBe(1);
        }
      }
      // Two names never share a tag: `}` and its escape `%7D` are two limits.
      expect(hashTag("}")).not.toBe(hashTag("%7D"));
    });
  });

  it("a node that holds the keys elsewhere (MOVED) is a ConfigError saying so, never an outage: nothing is let through", async () => {
    const node = empty as TestRedis;
    const warnings: string[] = [];
    const connection = new RedisConnection({
      url: node.url,
      logger: { warn: (m: string) => void warnings.push(m), info() {} },
    });
    open.push(connection);
    const sent = server?.requests.length;
    for (const [key, budgetKey] of [
      ["fleet", "fleet"],
      ["other", "other"],
    ] as const) {
      const error = await gated(connection, key, budgetKey)
        .call(hello)
        .catch((e: unknown) => e as Error);
      expect(ConfigError.isInstance(error)).toBe(true);
      expect((error as ConfigError).retryable).toBe(false);
      expect((error as Error).message).toContain("is a node of a Redis Cluster");
      expect((error as Error).message).toContain("not support");
    }
    // The budget's own store too, on its own.
    const store = new RedisBudgetStore({ connection });
    await expect(
      store.reserve({ key: "b", budgetUsd: 1, estimateUsd: 0.1, provider: "p", model: "m" }),
    ).rejects.toThrow("is a node of a Redis Cluster");
    expect(server?.requests.length).toBe(sent);
    expect(connection.unavailable).toBe(0);
    expect(warnings).toEqual([]);
  });

  it("a node of a cluster that serves no slot (CLUSTERDOWN) is refused too, never an outage", async () => {
    // A cluster of one node that holds no slot: every command answers CLUSTERDOWN.
    const down = await startRedis(cluster);
    try {
      const connection = new RedisConnection({ url: down.url, logger: { warn() {}, info() {} } });
      open.push(connection);
      const sent = server?.requests.length;
      const error = await gated(connection, "fleet", "fleet")
        .call(hello)
        .catch((e: unknown) => e as Error);
      expect(ConfigError.isInstance(error)).toBe(true);
      expect((error as Error).message).toContain("CLUSTERDOWN");
      expect(server?.requests.length).toBe(sent);
      expect(connection.unavailable).toBe(0);
    } finally {
      await down.stop();
    }
  });
});
