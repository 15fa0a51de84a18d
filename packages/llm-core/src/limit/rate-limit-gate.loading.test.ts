// A rate limit's gate while its limiter is still loading (a chunk a browser fetches over a slow
// network), or after a load that failed: waits end at an abort, `close()` or the deadline, as
// every wait at the gate does; nothing is sent; a failed load is tried again. The loading is
// slowed or failed by a stand-in for its loader (`vi.mock`); the requests are real HTTP.
import { completionBody } from "@loom/llm-testing";
import { ConfigError } from "@loom/llm-types";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { ChatClient } from "../chat-client.js";
import { failure } from "../test-support.fixture.js";
import { GATE_ENTRY, gatedClients, HELLO } from "./gated-clients.fixture.js";
import { RateLimitGate } from "./rate-limit-gate.js";

/** How the next loads of the limiter go: slowed, or failing as an import that failed. */
const loader = vi.hoisted(() => ({ delayMs: 0, failures: 0, loads: 0 }));
vi.mock("./load-rate-limiter.js", async (importOriginal) => {
  const actual = await importOriginal<typeof import("./load-rate-limiter.js")>();
  const loadRateLimiter: typeof actual.loadRateLimiter = async (requests, tokens, windowMs) => {
    loader.loads++;
    await new Promise((resolve) => setTimeout(resolve, loader.delayMs));
    if (loader.failures === 0) return actual.loadRateLimiter(requests, tokens, windowMs);
    loader.failures--;
    return actual.loadRateLimiter(requests, tokens, windowMs, () =>
      Promise.reject(new TypeError("Failed to fetch dynamically imported module: rate-limiter.js")),
    );
  };
  return { ...actual, loadRateLimiter };
});

const gated = gatedClients(() => ({ type: "json", body: completionBody() }));
const { arrivals } = gated;
const client = (gate: RateLimitGate) => gated.client(gate);
beforeEach(() => {
  Object.assign(loader, { delayMs: 0, failures: 0, loads: 0 });
});

describe("RateLimitGate while its limiter loads", () => {
  it("an abort, close() or the deadline ends the wait at once, with nothing sent", async () => {
    loader.delayMs = 3_000;
    const started = performance.now();
    const preAborted = failure(
      client(new RateLimitGate({ requestsPerMinute: 100 })).call({
        ...HELLO,
        signal: AbortSignal.abort(),
      }),
    );
    const controller = new AbortController();
    const aborted = failure(
      client(new RateLimitGate({ requestsPerMinute: 100 })).call({
        ...HELLO,
        signal: controller.signal,
      }),
    );
    const late = failure(
      client(new RateLimitGate({ requestsPerMinute: 100 })).call({ ...HELLO, deadlineMs: 200 }),
    );
    const closing = client(new RateLimitGate({ requestsPerMinute: 100 }));
    const closed = failure(closing.call(HELLO));
    setTimeout(() => {
      controller.abort();
      void closing.close();
    }, 100);
    const errors = await Promise.all([preAborted, aborted, late, closed]);
    // Long before the limiter's 3 s load.
    expect(performance.now() - started).toBeLessThan(1_500);
    expect(errors.map((e) => (e as Error).name)).toEqual([
      "AbortError",
      "AbortError",
      "TimeoutError",
      expect.any(String),
    ]);
    // The call's deadline ends it: its signal's or the gate's own timer, whichever comes first.
    expect(["deadline", "rate-limit"]).toContain((errors[2] as { phase?: string }).phase);
    expect((errors[3] as { code?: string }).code).toBe("LOOM_CLIENT_CLOSED");
    expect(arrivals).toHaveLength(0);
  });

  it("a gate entered with a deadline and no signal ends the wait at the deadline", async () => {
    loader.delayMs = 3_000;
    const gate = new RateLimitGate({ requestsPerMinute: 100 });
    const started = performance.now();
    const entry = { ...GATE_ENTRY, deadline: started + 100 };
    const error = await failure(gate.enter(entry, undefined));
    expect(performance.now() - started).toBeLessThan(1_500);
    expect(error).toMatchObject({
      name: "TimeoutError",
      phase: "rate-limit",
      message: expect.stringContaining(
        "the rate limit was still loading at this request's deadline; nothing was sent",
      ),
    });
  });

  it("a deadline further off than a timer can hold does not end the wait at once", async () => {
    loader.delayMs = 200;
    const gate = new RateLimitGate({ requestsPerMinute: 100 });
    for (const deadline of [Number.POSITIVE_INFINITY, performance.now() + 3e9]) {
      const pass = await gate.enter({ ...GATE_ENTRY, deadline }, undefined);
      pass.leave({ sent: false });
    }
  });

  it("requests made while it loads pass in the order they came, an aborted one left out", async () => {
    loader.delayMs = 200;
    const gate = new RateLimitGate({ requestsPerMinute: 100 });
    const order: number[] = [];
    const llm = client(gate);
    const controller = new AbortController();
    const calls = [0, 1, 2, 3, 4].map((i) =>
      llm.call({ ...HELLO, ...(i === 2 ? { signal: controller.signal } : {}) }).then(
        () => order.push(i),
        (error: Error) => error.name,
      ),
    );
    setTimeout(() => controller.abort(), 50);
    const settled = await Promise.all(calls);
    expect(settled[2]).toBe("AbortError");
    expect(order).toEqual([0, 1, 3, 4]);
    expect(arrivals).toHaveLength(4);
  });

  it("a load that failed is a ConfigError, unsent, and the next request loads it again", async () => {
    loader.failures = 1;
    const gate = new RateLimitGate({ requestsPerMinute: 100 });
    const llm = client(gate);
    const error = await failure(llm.call(HELLO));
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).toContain("the rate limit could not be loaded");
    expect(arrivals).toHaveLength(0);
    await llm.call(HELLO);
    expect(loader.loads).toBe(2);
    expect(arrivals).toHaveLength(1);
  });

  it("a config's shared rate limit recovers from a failed load for the clients made after it", async () => {
    loader.failures = 1;
    const config = {
      baseUrl: gated.server.baseUrl,
      model: "m",
      maxRetries: 0,
      provider: "flaky-acct",
      rateLimit: { requestsPerMinute: 60 },
    };
    const first = new ChatClient({}, config);
    gated.track(first);
    expect(await failure(first.call(HELLO))).toBeInstanceOf(ConfigError);
    const second = new ChatClient({}, config);
    gated.track(second);
    await second.call(HELLO);
    expect(arrivals).toHaveLength(1);
  });
});

describe("RateLimitGate once loaded", () => {
  it("an already aborted request is refused, and takes no place in the window", async () => {
    const gate = new RateLimitGate({ requestsPerMinute: 1, windowMs: 60_000 });
    const entry = GATE_ENTRY;
    // Loaded by a first request that goes.
    const pass = await gate.enter(entry, undefined);
    pass.leave({ sent: false });
    await expect(gate.enter(entry, AbortSignal.abort())).rejects.toMatchObject({
      name: "AbortError",
    });
    // The one request the window holds is still free.
    const next = await gate.enter(entry, undefined);
    expect(next.waitedMs).toBe(0);
  });
});
