// What was paid for is counted, even when the reply then fails: a response whose content is
// not JSON, or off its schema, still carries usage, and the tracker still counts its cost.
import {
  completionBody,
  completionChunk,
  createFakeServer,
  usageChunk,
  wireUsage,
} from "@loom/llm-testing";
import { InvalidResponseError } from "@loom/llm-types";
import { afterAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { createProvider } from "../create-provider.js";
import { costGates, costHooks } from "./cost-hooks.js";
import { CostTracker } from "./cost-tracker.js";
import { InProcessBudgetStore } from "./in-process-budget-store.js";

const server = await createFakeServer();
const tracker = new CostTracker();
const llm = createProvider({ env: { OPENAI_API_KEY: "sk-test-0123456789abcdef" } }, "openai", {
  baseUrl: server.baseUrl,
  tracker,
});
afterAll(async () => {
  await llm.close();
  await server.close();
});

describe("a reply that fails its response format", () => {
  it("the error carries the paid response, priced; the tracker counts its tokens and cost", async () => {
    server.enqueue({
      type: "json",
      body: completionBody({ content: '{"town": 3}', usage: wireUsage(1_000, 2_000) }),
    });
    const error = await llm
      .call({
        messages: [{ role: "user", content: "Where?" }],
        responseFormat: { type: "json_schema", schema: z.object({ city: z.string() }) },
      })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidResponseError);
    const paid = (error as InvalidResponseError).response;
    expect(paid?.content).toBe('{"town": 3}');
    expect(paid?.usage).toMatchObject({ promptTokens: 2_000, completionTokens: 1_000 });
    // gpt-4o-mini: 2 000 × 0.15 + 1 000 × 0.60 per million.
    expect(paid?.costUsd).toBeCloseTo(0.0009, 10);
    const totals = tracker.snapshot().total;
    expect(totals).toMatchObject({ promptTokens: 2_000, completionTokens: 1_000, errors: 1 });
    expect(totals.costUsd).toBeCloseTo(0.0009, 10);
  });
});

describe("a server's absurd usage", () => {
  it("counts of 1e308 are no counts: the cost stays a number and the budget keeps working", async () => {
    server.reset();
    const budgeted = new CostTracker({ budgetUsd: 1 });
    const provider = createProvider(
      { env: { OPENAI_API_KEY: "sk-test-0123456789abcdef" } },
      "openai",
      { baseUrl: server.baseUrl, model: "gpt-4o", tracker: budgeted },
    );
    try {
      server.enqueue({
        type: "json",
        body: completionBody({
          usage: { prompt_tokens: 1e308, completion_tokens: 1_000, total_tokens: 1 },
        }),
      });
      server.enqueue({ type: "json", body: completionBody({ usage: wireUsage(10, 100) }) });
      const hello = { messages: [{ role: "user" as const, content: "hi" }] };
      const first = await provider.call(hello);
      expect(first.usage.promptTokens).toBe(0);
      // gpt-4o: 1 000 completion tokens at $10 per million.
      expect(first.costUsd).toBeCloseTo(0.01, 10);
      // Before, the first call's cost was Infinity and this one a BudgetExceededError.
      const second = await provider.call(hello);
      expect(Number.isFinite(second.costUsd)).toBe(true);
      expect(budgeted.spentUsd).toBeLessThan(0.02);
    } finally {
      await provider.close();
    }
  });
});

describe("a stream billed before it failed or was left", () => {
  // gpt-4o-mini: 2 000 prompt × 0.15 + 1 000 completion × 0.60 per million = $0.0009.
  const billed = [
    completionChunk({ content: "Paris" }),
    completionChunk({}, { finishReason: "stop" }),
    usageChunk(wireUsage(1_000, 2_000)),
  ];
  const hello = { messages: [{ role: "user" as const, content: "Where?" }] };

  it("failed after its usage came (a stall past timeoutMs): its call, tokens and cost are counted", async () => {
    server.reset();
    const counted = new CostTracker();
    const provider = createProvider(
      { env: { OPENAI_API_KEY: "sk-test-0123456789abcdef" } },
      "openai",
      { baseUrl: server.baseUrl, tracker: counted, timeoutMs: 300, maxRetries: 0 },
    );
    try {
      server.enqueue({ type: "sse", events: billed, done: false, end: "hang" });
      await expect(provider.stream(hello).response()).rejects.toMatchObject({
        name: "TimeoutError",
      });
      const totals = counted.snapshot().total;
      expect(totals).toMatchObject({ calls: 1, errors: 1, promptTokens: 2_000 });
      expect(totals.costUsd).toBeCloseTo(0.0009, 10);
    } finally {
      await provider.close();
    }
  });

  it("left by its caller after the usage came: counted; before it came: nothing", async () => {
    server.reset();
    const counted = new CostTracker();
    const provider = createProvider(
      { env: { OPENAI_API_KEY: "sk-test-0123456789abcdef" } },
      "openai",
      { baseUrl: server.baseUrl, tracker: counted, maxRetries: 0 },
    );
    try {
      server.enqueue({ type: "sse", events: [...billed, { delayMs: 2_000 }] });
      for await (const event of provider.stream(hello).events()) if (event.type === "usage") break;
      server.enqueue({
        type: "sse",
        events: [completionChunk({ content: "Hi" }), { delayMs: 2_000 }, ...billed],
      });
      for await (const _ of provider.stream(hello)) break;
      const totals = counted.snapshot().total;
      expect(totals).toMatchObject({ calls: 1, errors: 0, completionTokens: 1_000 });
      expect(totals.costUsd).toBeCloseTo(0.0009, 10);
    } finally {
      await provider.close();
    }
  });
});

describe("a budget shared through a store", () => {
  it("two trackers on one budget stop together, each call reserving before it is sent", async () => {
    server.reset();
    const store = new InProcessBudgetStore();
    const env = { OPENAI_API_KEY: "sk-test-0123456789abcdef" };
    const trackers = [0, 1].map(
      () => new CostTracker({ budgetUsd: 0.003, store, budgetKey: "team" }),
    );
    const providers = trackers.map((t) =>
      createProvider({ env }, "openai", { baseUrl: server.baseUrl, tracker: t }),
    );
    // Each call: 2 000 prompt and 1 000 completion tokens of gpt-4o-mini, $0.0009.
    server.setFallback({
      type: "json",
      body: completionBody({ usage: wireUsage(1_000, 2_000) }),
    });
    const hello = { messages: [{ role: "user" as const, content: "hi" }], maxTokens: 100 };
    let refused: unknown;
    for (let i = 0; i < 10 && refused === undefined; i++) {
      await providers[i % 2]?.call(hello).catch((e: unknown) => {
        refused = e;
      });
    }
    expect((refused as Error).name).toBe("BudgetExceededError");
    // 0.0009 × 4 = 0.0036 reaches 0.003: the fifth call is refused, whichever tracker sends it.
    expect(store.spentUsd("team")).toBeCloseTo(0.0036, 9);
    expect(server.requests).toHaveLength(4);
    expect(trackers[0]?.remainingUsd).toBeGreaterThanOrEqual(0);
    server.setFallback(undefined);
    await Promise.all(providers.map((p) => p.close()));
  });

  it("a model asked for by an alias with no price is charged at the price of the model that answered", async () => {
    server.reset();
    const store = new InProcessBudgetStore();
    const tracker = new CostTracker({ budgetUsd: 0.001, store, budgetKey: "alias" });
    const llm = createProvider({ env: { OPENAI_API_KEY: "sk-test-0123456789abcdef" } }, "openai", {
      baseUrl: server.baseUrl,
      tracker,
      model: "my-proxy-alias",
    });
    // Answered by gpt-4o-mini: 2 000 prompt and 1 000 completion tokens, $0.0009 a call.
    server.setFallback({
      type: "json",
      body: completionBody({ model: "gpt-4o-mini-2024-07-18", usage: wireUsage(1_000, 2_000) }),
    });
    const hello = { messages: [{ role: "user" as const, content: "hi" }] };
    await llm.call(hello);
    await llm.call(hello);
    const third = await llm.call(hello).catch((e: unknown) => e);
    expect((third as Error).name).toBe("BudgetExceededError");
    expect(store.spentUsd("alias")).toBeCloseTo(0.0018, 9);
    expect(tracker.remainingUsd).toBe(0);
    server.setFallback(undefined);
    await llm.close();
  });
});

describe("a shared store that cannot tell what is left", () => {
  it("a reservation with no remainder (an outage let the call through) keeps the last known one", async () => {
    server.reset();
    const shared = new InProcessBudgetStore();
    // The shared store, as one whose backend went away after two calls: it lets the third
    // through, unaccounted, with what was spent and what is left unknown.
    let away = false;
    const store = {
      reserve: async (request: Parameters<InProcessBudgetStore["reserve"]>[0]) =>
        away
          ? { spentUsd: undefined, remainingUsd: undefined, commit() {} }
          : shared.reserve(request),
    };
    const tracker = new CostTracker({ budgetUsd: 1, store, budgetKey: "away" });
    const llm = createProvider({ env: { OPENAI_API_KEY: "sk-test-0123456789abcdef" } }, "openai", {
      baseUrl: server.baseUrl,
      tracker,
      model: "gpt-4o-mini",
    });
    server.setFallback({ type: "json", body: completionBody({ usage: wireUsage(1_000, 2_000) }) });
    const hello = { messages: [{ role: "user" as const, content: "hi" }] };
    await llm.call(hello);
    await llm.call(hello);
    const known = tracker.remainingUsd;
    expect(known).toBeLessThan(1);
    away = true;
    await llm.call(hello);
    // Not the whole budget: spending is unaccounted exactly now.
    expect(tracker.remainingUsd).toBe(known);
    server.setFallback(undefined);
    await llm.close();
  });
});

describe("prices given in code", () => {
  it("are checked when the hooks are made: a NaN or negative rate is a ConfigError", () => {
    const tracker = new CostTracker({ budgetUsd: 1 });
    expect(() =>
      costGates({ tracker, price: { inputPerMtok: Number.NaN, outputPerMtok: 1 } }),
    ).toThrow("price.inputPerMtok: must be a non-negative number, got NaN");
    expect(() => costHooks({ prices: { m: { inputPerMtok: 1, outputPerMtok: -1 } } })).toThrow(
      "prices.m.outputPerMtok: must be a non-negative number, got -1",
    );
  });
});
