// Rate limits in this process, over real HTTP: what the fake server sees never exceeds the limit
// in any window; waits are abortable and bounded by the deadline; the provider's headers and a
// 429's Retry-After hold requests back; token estimates are corrected by reported usage.
import { completionBody, createFakeServer, mostInWindow, wireUsage } from "@loom/llm-testing";
import type { CallGate } from "@loom/llm-types";
import { describe, expect, it } from "vitest";
import { ChatClient } from "../chat-client.js";
import { failure } from "../test-support.fixture.js";
import { GATE_ENTRY, gatedClients, HELLO } from "./gated-clients.fixture.js";
import { RateLimitGate } from "./rate-limit-gate.js";

const gated = gatedClients(() => ({
  type: "json",
  body: completionBody({ usage: wireUsage(5, 10) }),
}));
const { arrivals } = gated;
const client = (gate: RateLimitGate, extra?: Record<string, unknown>) => gated.client(gate, extra);

describe("RateLimitGate", () => {
  it("never more requests in any window than the limit, from parallel calls", async () => {
    // Windows of a second: a loaded machine delays a request's way to the server by tens of
    // milliseconds, unevenly, so the server's windows are checked well short of the client's.
    const llm = client(new RateLimitGate({ requestsPerMinute: 5, windowMs: 1_000 }));
    // Five sockets opened first: each request's way to the server then takes about as long,
    // and the windows the server sees are the ones the client kept.
    await Promise.all(Array.from({ length: 5 }, () => llm.call(HELLO)));
    await new Promise((resolve) => setTimeout(resolve, 1_050));
    arrivals.length = 0;
    const started = performance.now();
    await Promise.all(Array.from({ length: 12 }, () => llm.call(HELLO)));
    expect(arrivals).toHaveLength(12);
    expect(mostInWindow(arrivals, 700)).toBeLessThanOrEqual(5);
    // 12 requests at 5 a second: at least two full windows.
    expect(performance.now() - started).toBeGreaterThanOrEqual(1_990);
  });

  it("with maxConcurrency, requests that queued for a slot are counted when they go, not when the gate let them by", async () => {
    // One slow answer holds the only slot while the gate lets the next requests by: counted
    // then, they would all go out together once the slot frees.
    const llm = client(new RateLimitGate({ requestsPerMinute: 3, windowMs: 500 }), {
      maxConcurrency: 1,
    });
    gated.server.enqueue({ type: "json", body: completionBody({}), delayMs: 700 });
    const started = performance.now();
    await Promise.all(Array.from({ length: 8 }, () => llm.call(HELLO)));
    // The slow one is answered from the queue: the fallback notes the other seven.
    expect(arrivals).toHaveLength(7);
    expect(mostInWindow(arrivals, 400)).toBeLessThanOrEqual(3);
    // 8 requests at 3 per half second: at least two full windows after the first.
    expect(performance.now() - started).toBeGreaterThanOrEqual(990);
  });

  it("a gate whose leave() throws: reported, and the gates after it hear every request left unsent", async () => {
    let outstanding = 0;
    const reports: string[] = [];
    const broken: CallGate = {
      name: "audit",
      enter: async () => ({
        waitedMs: 0,
        leave: () => {
          throw new Error("audit log unavailable");
        },
      }),
    };
    const counting: CallGate = {
      name: "claims",
      enter: async () => {
        outstanding++;
        return { waitedMs: 0, leave: () => void outstanding-- };
      },
    };
    const llm = new ChatClient(
      { logger: { error: (line) => reports.push(line) } },
      { baseUrl: gated.server.baseUrl, model: "m", maxRetries: 0, maxConcurrency: 1 },
      { gates: [broken, counting] },
    );
    gated.track(llm);
    gated.server.enqueue({ type: "json", body: completionBody({}), delayMs: 300 });
    const slow = llm.call(HELLO);
    const controllers = Array.from({ length: 4 }, () => new AbortController());
    const queued = controllers.map((c) => llm.call({ ...HELLO, signal: c.signal }));
    await new Promise((resolve) => setTimeout(resolve, 50));
    for (const c of controllers) c.abort(new Error("gave up"));
    for (const call of queued) await expect(call).rejects.toThrow();
    await slow;
    // Every claim handed back: none held for good by the gate that threw before it.
    expect(outstanding).toBe(0);
    expect(reports.length).toBeGreaterThan(0);
    expect(reports[0]).toContain("audit log unavailable");
  });

  it("a wait past the call's deadline fails at once, with nothing sent", async () => {
    const llm = client(new RateLimitGate({ requestsPerMinute: 1, windowMs: 5_000 }));
    await llm.call(HELLO);
    const started = performance.now();
    const error = await failure(llm.call({ ...HELLO, deadlineMs: 3_000 }));
    expect(error.name).toBe("TimeoutError");
    expect((error as { phase?: string }).phase).toBe("rate-limit");
    expect(error.message).toContain("past its deadline; nothing was sent");
    // At once: not at the deadline, 3 s away (a loaded machine may take a while even so).
    expect(performance.now() - started).toBeLessThan(1_500);
    expect(arrivals).toHaveLength(1);
  });

  it("a wait is abortable; the aborted request takes no place, the next goes when due", async () => {
    const llm = client(new RateLimitGate({ requestsPerMinute: 1, windowMs: 1_000 }));
    const started = performance.now();
    await llm.call(HELLO);
    const controller = new AbortController();
    const waiting = failure(llm.call({ ...HELLO, signal: controller.signal }));
    setTimeout(() => controller.abort(), 50);
    expect((await waiting).name).toBe("AbortError");
    await llm.call(HELLO);
    expect(arrivals).toHaveLength(2);
    // Due a window after the first was let through (which was after `started`); had the aborted
    // one taken a place, a window later still. The upper bound leaves a loaded machine 900 ms.
    const due = (arrivals[1] ?? 0) - started;
    expect(due).toBeGreaterThanOrEqual(999);
    expect(due).toBeLessThan(1_900);
  });

  it("the provider's headers hold requests back: none left until the reset", async () => {
    const llm = client(new RateLimitGate({ requestsPerMinute: 100, windowMs: 60_000 }));
    gated.server.enqueue({
      type: "json",
      body: completionBody(),
      headers: { "x-ratelimit-remaining-requests": "0", "x-ratelimit-reset-requests": "300ms" },
    });
    await llm.call(HELLO);
    await llm.call(HELLO);
    // Measured where it cannot be shortened by a slow machine: the reset runs from when the
    // first answer came back, after the first request arrived.
    const [first, second] = gated.server.requests;
    expect((second?.receivedAt ?? 0) - (first?.receivedAt ?? 0)).toBeGreaterThanOrEqual(299);
  });

  it("a 429's Retry-After holds the next request", async () => {
    const llm = client(new RateLimitGate({ requestsPerMinute: 100, windowMs: 60_000 }));
    gated.server.enqueue({
      type: "error",
      status: 429,
      headers: { "retry-after-ms": "250" },
      body: { error: { message: "slow down", type: "rate_limit_error" } },
    });
    expect((await failure(llm.call(HELLO))).name).toBe("RateLimitError");
    await llm.call(HELLO);
    const [first, second] = gated.server.requests;
    expect((second?.receivedAt ?? 0) - (first?.receivedAt ?? 0)).toBeGreaterThanOrEqual(249);
  });

  it("a token estimate is corrected by the usage reported, so the next request need not wait", async () => {
    // Each request is estimated at its prompt plus maxTokens 60; each reports 15 tokens.
    const llm = client(new RateLimitGate({ tokensPerMinute: 100, windowMs: 2_000 }));
    const started = performance.now();
    await llm.call({ ...HELLO, maxTokens: 60 });
    await llm.call({ ...HELLO, maxTokens: 60 });
    expect(performance.now() - started).toBeLessThan(1_000);
    // Without the correction the third would wait: 15 + 15 + 62 is within 100.
    await llm.call({ ...HELLO, maxTokens: 60 });
    expect(performance.now() - started).toBeLessThan(1_000);
  });

  it("waits are reported to onWait hooks; the config's rateLimit is shared by clients of one account", async () => {
    const waits: number[] = [];
    const config = {
      baseUrl: gated.server.baseUrl,
      model: "m",
      maxRetries: 0,
      provider: "shared-acct",
    };
    const a = new ChatClient(
      {},
      { ...config, rateLimit: { requestsPerMinute: 2 } },
      {
        hooks: [{ onWait: (ms) => waits.push(ms) }],
      },
    );
    const b = new ChatClient({}, { ...config, rateLimit: { requestsPerMinute: 2 } });
    gated.track(a, b);
    await a.call(HELLO);
    await b.call(HELLO);
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 100);
    // The third of a 2-per-minute account waits whichever client sends it.
    expect((await failure(a.call({ ...HELLO, signal: controller.signal }))).name).toBe(
      "AbortError",
    );
    expect(arrivals).toHaveLength(2);
    const gate = new RateLimitGate({ requestsPerMinute: 1, windowMs: 1_000 });
    const c = new ChatClient({}, config, {
      gates: [gate],
      hooks: [{ onWait: (ms) => waits.push(ms) }],
    });
    gated.track(c);
    await c.call(HELLO);
    await c.call(HELLO);
    // What is left of a second after the first call (which a loaded machine may stretch).
    expect(waits.at(-1)).toBeGreaterThanOrEqual(300);
  });

  it("the config's rateLimit holds from the first requests, sent together while its gate loads", async () => {
    const config = {
      baseUrl: gated.server.baseUrl,
      model: "m",
      maxRetries: 0,
      provider: "cold-acct",
    };
    const llm = new ChatClient({}, { ...config, rateLimit: { requestsPerMinute: 3 } });
    gated.track(llm);
    const controller = new AbortController();
    const calls = Array.from({ length: 5 }, () =>
      llm.call({ ...HELLO, signal: controller.signal }).then(
        () => "sent",
        (error: Error) => error.name,
      ),
    );
    const sent = calls.slice(0, 3);
    expect(await Promise.all(sent)).toEqual(["sent", "sent", "sent"]);
    controller.abort();
    // The first three in the order they were made; the rest wait for the next minute.
    expect(await Promise.all(calls.slice(3))).toEqual(["AbortError", "AbortError"]);
    expect(arrivals).toHaveLength(3);
  });

  it("a far-off reset or Retry-After holds for one window at most, not forever", async () => {
    const llm = client(new RateLimitGate({ requestsPerMinute: 100, windowMs: 1_000 }));
    gated.server.enqueue({
      type: "json",
      body: completionBody(),
      headers: { "x-ratelimit-remaining-requests": "0", "x-ratelimit-reset-requests": "99999999h" },
    });
    await llm.call(HELLO);
    const before = performance.now();
    await llm.call(HELLO);
    // Held a window (measured at the server, where a slow machine cannot shorten it), and no
    // more than a window and some.
    const [first, second] = gated.server.requests;
    expect((second?.receivedAt ?? 0) - (first?.receivedAt ?? 0)).toBeGreaterThanOrEqual(999);
    expect(performance.now() - before).toBeLessThan(2_500);
  });

  it("close() ends the waits at once: those calls fail as closed, unsent; a wait that ended is reported", async () => {
    const waits: number[] = [];
    const llm = new ChatClient(
      {},
      { baseUrl: gated.server.baseUrl, model: "m", maxRetries: 0 },
      {
        gates: [new RateLimitGate({ requestsPerMinute: 1, windowMs: 5_000 })],
        hooks: [{ onWait: (ms) => waits.push(ms) }],
      },
    );
    await llm.call(HELLO);
    const waiting = [failure(llm.call(HELLO)), failure(llm.stream(HELLO).response())];
    setTimeout(() => void llm.close(), 100);
    const started = performance.now();
    const errors = await Promise.all(waiting);
    expect(performance.now() - started).toBeLessThan(1_000);
    for (const error of errors)
      expect((error as { code?: string }).code).toBe("LOOM_CLIENT_CLOSED");
    expect(arrivals).toHaveLength(1);
    expect(waits.length).toBeGreaterThanOrEqual(1);
  });

  it("only a hold is a wait: a busy event loop or a slow gate is not; a request behind a held one is held", async () => {
    const gate = new RateLimitGate({ requestsPerMinute: 2, windowMs: 400 });
    const entry = GATE_ENTRY;
    const first = gate.enter(entry, undefined);
    // The event loop busy for 5 ms while the first request passes a gate with room.
    const busyUntil = performance.now() + 5;
    while (performance.now() < busyUntil);
    expect((await first).waitedMs).toBe(0);
    expect((await gate.enter(entry, undefined)).waitedMs).toBe(0);
    // The window is full: the third is held, and the fourth behind it.
    const [third, fourth] = await Promise.all([
      gate.enter(entry, undefined),
      gate.enter(entry, undefined),
    ]);
    // Most of a window, with room for a slow machine between the first and the third.
    expect(third.waitedMs).toBeGreaterThanOrEqual(200);
    expect(fourth.waitedMs).toBeGreaterThanOrEqual(200);

    // A gate that asks a store for 5 ms and lets the request through reports no wait; the
    // waits of several gates add up.
    const asking = (waitedMs: number): CallGate => ({
      name: "store",
      async enter() {
        await new Promise((resolve) => setTimeout(resolve, 5));
        return { waitedMs, leave() {} };
      },
    });
    const waits: number[] = [];
    const llm = new ChatClient(
      {},
      { baseUrl: gated.server.baseUrl, model: "m", maxRetries: 0 },
      { gates: [asking(0), asking(0)], hooks: [{ onWait: (ms) => waits.push(ms) }] },
    );
    const held = new ChatClient(
      {},
      { baseUrl: gated.server.baseUrl, model: "m", maxRetries: 0 },
      { gates: [asking(30), asking(12)], hooks: [{ onWait: (ms) => waits.push(ms) }] },
    );
    gated.track(llm, held);
    await llm.call(HELLO);
    expect(waits).toEqual([]);
    await held.call(HELLO);
    expect(waits).toEqual([42]);
  });

  it("a request aborted or timed out while out counts against the limit: the server may have it", async () => {
    for (const end of ["abort", "deadline"] as const) {
      gated.server.reset();
      const llm = client(new RateLimitGate({ requestsPerMinute: 1, windowMs: 60_000 }));
      // The server takes 400 ms to answer; the call ends at 100 ms, after its request went.
      gated.server.enqueue({ type: "json", body: completionBody(), delayMs: 400 });
      const controller = new AbortController();
      setTimeout(() => controller.abort(), 100);
      const first = await failure(
        llm.call(
          end === "abort" ? { ...HELLO, signal: controller.signal } : { ...HELLO, deadlineMs: 100 },
        ),
      );
      expect(first.name).toBe(end === "abort" ? "AbortError" : "TimeoutError");
      expect(gated.server.requests).toHaveLength(1);
      // The window's one request is spent: the next is held, and would be past its deadline.
      const next = await failure(llm.call({ ...HELLO, deadlineMs: 2_000 }));
      expect(next).toMatchObject({ name: "TimeoutError", phase: "rate-limit" });
      expect(gated.server.requests).toHaveLength(1);
    }
  });

  it("a hook that fails the request before it goes (with an AbortError too) leaves the gates with nothing sent", async () => {
    const outcomes: boolean[] = [];
    const recorder: CallGate = {
      name: "recorder",
      enter: async () => ({ waitedMs: 0, leave: (outcome) => outcomes.push(outcome.sent) }),
    };
    const llm = new ChatClient(
      {},
      { baseUrl: gated.server.baseUrl, model: "m", maxRetries: 0 },
      {
        gates: [recorder],
        hooks: [
          {
            prepareBody: () => {
              throw new DOMException("stopped by a hook", "AbortError");
            },
          },
        ],
      },
    );
    gated.track(llm);
    await failure(llm.call(HELLO));
    expect(outcomes).toEqual([false]);
    expect(gated.server.requests).toHaveLength(0);
  });

  it("a request whose fresh connection the server closed after reading it counts: it may have acted", async () => {
    const llm = client(new RateLimitGate({ requestsPerMinute: 1, windowMs: 60_000 }));
    gated.server.enqueue({ type: "reset" });
    const first = await failure(llm.call(HELLO));
    expect(first).toMatchObject({ name: "ConnectionError", code: "UND_ERR_SOCKET" });
    expect(gated.server.requests).toHaveLength(1);
    const next = await failure(llm.call({ ...HELLO, deadlineMs: 1_000 }));
    expect(next).toMatchObject({ name: "TimeoutError", phase: "rate-limit" });
    expect(gated.server.requests).toHaveLength(1);
  });

  it("a request whose connection was refused takes no place: nothing reached a server", async () => {
    const gate = new RateLimitGate({ requestsPerMinute: 1, windowMs: 60_000 });
    // A port nothing listens on: a server made and closed.
    const closed = await createFakeServer();
    const nowhere = closed.baseUrl;
    await closed.close();
    const refused = new ChatClient(
      {},
      { baseUrl: nowhere, model: "m", maxRetries: 0 },
      { gates: [gate] },
    );
    gated.track(refused);
    const error = await failure(refused.call(HELLO));
    expect((error as { code?: string }).code).toBe("ECONNREFUSED");
    // The place is free: a request through the same gate to a live server goes at once.
    await client(gate).call({ ...HELLO, deadlineMs: 2_000 });
    expect(arrivals).toHaveLength(1);
  });

  it("a request behind another in line still fails at its own deadline, not when the one ahead passes", async () => {
    const gate = new RateLimitGate({ requestsPerMinute: 1, windowMs: 1_000 });
    (await gate.enter(GATE_ENTRY, undefined)).leave({ sent: true });
    const started = performance.now();
    // The head of the line waits out the window (a second); the next has 100 ms.
    const head = gate.enter(GATE_ENTRY, undefined);
    const behind = failure(gate.enter({ ...GATE_ENTRY, deadline: started + 100 }, undefined));
    const error = await behind;
    expect(error).toMatchObject({ name: "TimeoutError", phase: "rate-limit" });
    expect(error.message).toContain("ahead of this one");
    expect(performance.now() - started).toBeLessThan(800);
    (await head).leave({ sent: true });
  });

  it("a place given back (a request never sent) lets the request waiting for it go at once", async () => {
    const gate = new RateLimitGate({ requestsPerMinute: 1, windowMs: 60_000 });
    // The first request takes the one place; the second waits for the window (a minute).
    const first = await gate.enter(GATE_ENTRY, undefined);
    const started = performance.now();
    // Aborted at the end, should it still wait: nothing the test starts outlives it.
    const controller = new AbortController();
    const second = gate.enter(GATE_ENTRY, controller.signal);
    second.catch(() => {});
    try {
      await new Promise((resolve) => setTimeout(resolve, 50));
      // The first never reached the server: its place comes back, and the wait ends with it.
      first.leave({ sent: false });
      const pass = await Promise.race([
        second,
        new Promise<undefined>((resolve) => setTimeout(() => resolve(undefined), 5_000)),
      ]);
      expect(pass).toBeDefined();
      expect(performance.now() - started).toBeLessThan(5_000);
      pass?.leave({ sent: true });
    } finally {
      controller.abort();
    }
  });

  it("a request that leaves the line (aborted) keeps the order: one coming later goes after those ahead of it", async () => {
    const entry = GATE_ENTRY;
    // Without the order kept, the last in line leaving let the next one race the one still
    // waiting (about one round in four).
    for (let round = 0; round < 20; round++) {
      const gate = new RateLimitGate({ requestsPerMinute: 1, windowMs: 40 });
      (await gate.enter(entry, undefined)).leave({ sent: true });
      const order: string[] = [];
      const held = gate.enter(entry, undefined).then((pass) => {
        order.push("held");
        return pass;
      });
      const controller = new AbortController();
      const leaving = gate.enter(entry, controller.signal);
      controller.abort();
      await expect(leaving).rejects.toMatchObject({ name: "AbortError" });
      const later = gate.enter(entry, undefined).then((pass) => {
        order.push("later");
        return pass;
      });
      for (const pass of await Promise.all([held, later])) pass.leave({ sent: true });
      expect(order).toEqual(["held", "later"]);
    }
  });

  it("limits that are not positive integers are refused when the gate is made", () => {
    for (const requestsPerMinute of [0, -1, 0.5, Number.NaN])
      expect(() => new RateLimitGate({ requestsPerMinute })).toThrow(
        "requestsPerMinute: must be a positive integer",
      );
    // What is not a number says so: "got 5" would read as a valid value.
    expect(() => new RateLimitGate({ requestsPerMinute: "5" as unknown as number })).toThrow(
      'requestsPerMinute: must be a positive integer up to 2147483647, got the string "5"',
    );
    expect(() => new RateLimitGate({ tokensPerMinute: 10, windowMs: Number.NaN })).toThrow(
      "windowMs: must be a positive integer up to 2147483647, got NaN",
    );
  });
});
