// Credentials Redis refuses are no outage to wait out or let through: each request fails at once
// with a ConnectionError that says so, in both modes, and never shows the password. A real
// redis-server with a password.
import { inspect } from "node:util";
import { ChatClient } from "@loom/llm-core";
import { CostTracker, costGates } from "@loom/llm-providers";
import { completionBody, createFakeServer, type FakeServer, wireUsage } from "@loom/llm-testing";
import { ConnectionError } from "@loom/llm-types";
import { createClient } from "redis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { RedisBudgetStore } from "./redis-budget-store.js";
import { RedisConnection } from "./redis-connection.js";
import { RedisRateLimiter } from "./redis-rate-limiter.js";
import { hasRedis, startRedis, type TestRedis } from "./redis-server.fixture.js";

const hello = { messages: [{ role: "user" as const, content: "hi" }], maxTokens: 9 };
const price = { inputPerMtok: 100, outputPerMtok: 100 };
const RIGHT = "rightS3cretPW";
let redis: TestRedis;
let server: FakeServer;
const open: { close(): Promise<void> }[] = [];

beforeAll(async () => {
  if (!hasRedis) return;
  redis = await startRedis(["--requirepass", RIGHT]);
  server = await createFakeServer({
    fallback: { type: "json", body: completionBody({ usage: wireUsage(9, 1) }) },
  });
});
afterAll(async () => {
  await Promise.all(open.map((c) => c.close()));
  await server?.close();
  await redis?.stop();
});

/** A client behind a limiter and a budget on one connection to `url`; what it logged. */
function gated(url: string, whenUnavailable: "open" | "closed") {
  const logged: string[] = [];
  const connection = new RedisConnection({
    url,
    whenUnavailable,
    logger: {
      warn: (m: string) => void logged.push(m),
      info: (m: string) => void logged.push(m),
      error: (m: string) => void logged.push(m),
    },
  });
  const limiter = new RedisRateLimiter({ connection, key: "auth", requestsPerMinute: 100 });
  const tracker = new CostTracker({ budgetUsd: 1, store: new RedisBudgetStore({ connection }) });
  const llm = new ChatClient(
    {},
    { baseUrl: server.baseUrl, model: "m", maxRetries: 0 },
    { gates: [limiter, ...costGates({ tracker, price })] },
  );
  open.push(llm, connection);
  return { llm, connection, logged };
}

/** The error of a call that should fail. */
const refused = (call: Promise<unknown>): Promise<ConnectionError> =>
  call.then(
    () => {
      throw new Error("expected a failure");
    },
    (error: unknown) => error as ConnectionError,
  );

const url = (password: string) => {
  const at = new URL(redis.url);
  at.password = password;
  return at.toString();
};

describe.runIf(hasRedis)("credentials Redis refuses", () => {
  for (const mode of ["open", "closed"] as const)
    it(`a wrong password fails each request at once with a ConnectionError saying so (${mode}); nothing is sent, the password shown nowhere`, async () => {
      const { llm, connection, logged } = gated(url("wrongS3cretPW"), mode);
      const sent = server.requests.length;
      for (let i = 0; i < 3; i++) {
        const started = performance.now();
        const error = await refused(llm.call(hello));
        // Not the 1.5 s wait for a connection that an outage gets.
        expect(performance.now() - started).toBeLessThan(1_000);
        expect(ConnectionError.isInstance(error)).toBe(true);
        expect(error.retryable).toBe(false);
        expect(error.code).toBe("WRONGPASS");
        expect(error.message).toContain("refused the credentials");
        const shown = [error.message, JSON.stringify(error), inspect(error, { depth: 5 })];
        for (const text of [...shown, ...logged, inspect(connection, { showHidden: true })])
          expect(text).not.toContain("S3cretPW");
      }
      expect(server.requests.length).toBe(sent);
      expect(connection.unavailable).toBe(0);
      expect(logged).toHaveLength(1);
      expect(logged[0]).toContain("refused the credentials in the URL (WRONGPASS)");
    });

  it("no password where Redis wants one (NOAUTH) fails at once too", async () => {
    const { llm, connection } = gated(redis.url, "open");
    const sent = server.requests.length;
    const started = performance.now();
    const error = await refused(llm.call(hello));
    expect(performance.now() - started).toBeLessThan(1_000);
    expect(error.name).toBe("ConnectionError");
    expect(error.retryable).toBe(false);
    expect(error.message).toContain("refused the credentials");
    expect(server.requests.length).toBe(sent);
    expect(connection.unavailable).toBe(0);
  });

  it("once Redis accepts the credentials (a rotated password), requests are counted again", async () => {
    const { llm } = gated(url("nextS3cretPW"), "closed");
    await expect(llm.call(hello)).rejects.toThrow("refused the credentials");
    const raw = createClient({ url: url(RIGHT) });
    await raw.connect();
    try {
      await raw.configSet("requirepass", "nextS3cretPW");
      // The client keeps trying them, with its backoff (up to 2 s).
      let outcome: unknown;
      for (let i = 0; i < 50; i++) {
        outcome = await llm.call(hello).catch((e: unknown) => e);
        if (!(outcome instanceof Error)) break;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      expect(outcome).not.toBeInstanceOf(Error);
    } finally {
      await raw.configSet("requirepass", RIGHT).catch(() => {});
      await raw.close();
    }
  });
});
