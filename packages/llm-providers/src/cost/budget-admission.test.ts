// A budget admits a call only if what was spent, the claims of the calls in flight and the
// call's own estimate fit in it: with exact estimates it is never exceeded, one call at a time
// or many at once, whether the budget is the tracker's own or kept in a store.
import { completionBody, createFakeServer, messageBody, wireUsage } from "@loom/llm-testing";
import { BudgetExceededError, TimeoutError } from "@loom/llm-types";
import { afterAll, describe, expect, it } from "vitest";
import { createProvider } from "../create-provider.js";
import { CostTracker } from "./cost-tracker.js";
import { InProcessBudgetStore } from "./in-process-budget-store.js";

const server = await createFakeServer();
afterAll(() => server.close());

// "hi" is 1 token by the estimate, plus maxTokens 99: 100 tokens at $100 per million on both
// rates, $0.01. The server reports 1 prompt and 99 completion tokens: each call costs $0.01,
// exactly its estimate.
const price = { inputPerMtok: 100, outputPerMtok: 100 };
const hello = { messages: [{ role: "user" as const, content: "hi" }], maxTokens: 99 };
const env = { OPENAI_API_KEY: "sk-test-0123456789abcdef" };

const budgets = [
  ["the tracker's own budget", () => new CostTracker({ budgetUsd: 0.035 })],
  [
    "a budget in a store",
    () => new CostTracker({ budgetUsd: 0.035, store: new InProcessBudgetStore() }),
  ],
] as const;

describe.each(budgets)("%s, each call costing exactly its $0.01 estimate", (_name, make) => {
  it("$0.035 admits three calls one at a time, never a fourth: $0.03 spent", async () => {
    server.reset();
    server.setFallback({ type: "json", body: completionBody({ usage: wireUsage(99, 1) }) });
    const tracker = make();
    const llm = createProvider({ env }, "openai", {
      baseUrl: server.baseUrl,
      tracker,
      price,
      maxRetries: 0,
    });
    const outcomes: string[] = [];
    for (let i = 0; i < 5; i++)
      outcomes.push(
        await llm.call(hello).then(
          () => "sent",
          (e: unknown) => (BudgetExceededError.isInstance(e) ? "refused" : String(e)),
        ),
      );
    expect(outcomes).toEqual(["sent", "sent", "sent", "refused", "refused"]);
    expect(server.requests).toHaveLength(3);
    expect(tracker.spentUsd).toBeCloseTo(0.03, 12);
    expect(tracker.spentUsd).toBeLessThanOrEqual(0.035);
    server.setFallback(undefined);
    await llm.close();
  });

  it("answers with an error status (429, 503) are not billed: they take nothing from the budget", async () => {
    server.reset();
    const tracker = make();
    const llm = createProvider({ env }, "openai", {
      baseUrl: server.baseUrl,
      tracker,
      price,
      maxRetries: 0,
    });
    for (const status of [429, 503, 429, 503, 429])
      server.enqueue({ type: "error", status, body: { error: { message: "busy" } } });
    for (let i = 0; i < 5; i++) await llm.call(hello).catch(() => undefined);
    expect(server.requests).toHaveLength(5);
    // The budget is whole: three paid calls still fit.
    server.setFallback({ type: "json", body: completionBody({ usage: wireUsage(99, 1) }) });
    for (let i = 0; i < 3; i++) await llm.call(hello);
    expect(tracker.spentUsd).toBeCloseTo(0.03, 12);
    server.setFallback(undefined);
    await llm.close();
  });

  it("ten calls at once: the calls in flight count, three go and seven are refused unsent", async () => {
    server.reset();
    server.setFallback({ type: "json", body: completionBody({ usage: wireUsage(99, 1) }) });
    const tracker = make();
    const llm = createProvider({ env }, "openai", {
      baseUrl: server.baseUrl,
      tracker,
      price,
      maxRetries: 0,
    });
    const results = await Promise.allSettled(Array.from({ length: 10 }, () => llm.call(hello)));
    const refused = results.filter(
      (r) => r.status === "rejected" && BudgetExceededError.isInstance(r.reason),
    );
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(3);
    expect(refused).toHaveLength(7);
    expect(server.requests).toHaveLength(3);
    expect(tracker.spentUsd).toBeCloseTo(0.03, 12);
    server.setFallback(undefined);
    await llm.close();
  });
});

describe.each(budgets)("%s: what the tracker reports is what the budget counts", (_name, make) => {
  it("calls answered without usage count at their estimates in spentUsd, remainingUsd and the report", async () => {
    server.reset();
    server.setFallback({ type: "json", body: completionBody({ usage: null }) });
    const tracker = make();
    const llm = createProvider({ env }, "openai", {
      baseUrl: server.baseUrl,
      tracker,
      price,
      maxRetries: 0,
    });
    for (let i = 0; i < 3; i++) await llm.call(hello);
    expect(tracker.remainingUsd).toBeCloseTo(0.005, 12);
    const refused = await llm.call(hello).catch((e: unknown) => e);
    expect(BudgetExceededError.isInstance(refused)).toBe(true);
    expect(server.requests).toHaveLength(3);
    // The budget refused at $0.03 spent: the tracker says the same, not $0.
    expect(tracker.spentUsd).toBe((refused as BudgetExceededError).spentUsd);
    expect(tracker.spentUsd).toBeCloseTo(0.03, 12);
    const total = tracker.snapshot().total;
    expect(total).toMatchObject({ calls: 3, costUsd: 0, unpricedCalls: 3, unreportedCalls: 3 });
    expect(total.estimatedUsd).toBeCloseTo(0.03, 12);
    expect(tracker.formatReport().split("\n").at(-1)).toBe(
      "budget: $0.035 (spent $0.030000, of which $0.030000 estimated for calls sent whose cost is unknown)",
    );
    server.setFallback(undefined);
    await llm.close();
  });

  it("a call that timed out after it was sent counts at its estimate, and as one error", async () => {
    server.reset();
    server.enqueue({ type: "hang" });
    const tracker = make();
    const llm = createProvider({ env }, "openai", {
      baseUrl: server.baseUrl,
      tracker,
      price,
      maxRetries: 0,
      timeoutMs: 100,
    });
    const error = await llm.call(hello).catch((e: unknown) => e);
    expect(TimeoutError.isInstance(error)).toBe(true);
    expect(server.requests).toHaveLength(1);
    expect(tracker.spentUsd).toBeCloseTo(0.01, 12);
    expect(tracker.remainingUsd).toBeCloseTo(0.025, 12);
    expect(tracker.snapshot().total).toMatchObject({ calls: 0, errors: 1, costUsd: 0 });
    expect(tracker.snapshot().byModel).toEqual([
      expect.objectContaining({ provider: "openai", errors: 1, estimatedUsd: 0.01 }),
    ]);
    await llm.close();
  });
});

describe.each(budgets)("%s: a call refused by the budget", (_name, make) => {
  it("is recorded as nothing: no error, no call, at once or one at a time", async () => {
    server.reset();
    server.setFallback({ type: "json", body: completionBody({ usage: wireUsage(99, 1) }) });
    const tracker = make();
    const llm = createProvider({ env }, "openai", {
      baseUrl: server.baseUrl,
      tracker,
      price,
      maxRetries: 0,
    });
    const results = await Promise.allSettled(Array.from({ length: 10 }, () => llm.call(hello)));
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(3);
    expect(tracker.snapshot().total).toMatchObject({ calls: 3, errors: 0 });
    // After the spend is recorded: refused again, still nothing.
    const refused = await llm.call(hello).catch((e: unknown) => e);
    expect(BudgetExceededError.isInstance(refused)).toBe(true);
    expect(tracker.snapshot().total).toMatchObject({ calls: 3, errors: 0 });
    expect(tracker.snapshot().byModel).toEqual([
      expect.objectContaining({ provider: "openai", calls: 3, errors: 0 }),
    ]);
    expect(tracker.formatReport()).toMatch(/^total +3 +0 /m);
    server.setFallback(undefined);
    await llm.close();
  });
});

describe("the completion limit a protocol always sends counts", () => {
  it("Anthropic's default max_tokens (4096) is in the estimate: a budget it would overrun refuses the call", async () => {
    server.reset();
    server.setFallback({
      type: "json",
      body: messageBody({ text: "long", usage: { input: 1, output: 4_000 } }),
    });
    const tracker = new CostTracker({ budgetUsd: 0.001 });
    const llm = createProvider(
      { env: { ANTHROPIC_API_KEY: "sk-ant-test-0123456789" } },
      "anthropic",
      {
        baseUrl: server.baseUrl,
        model: "claude-haiku-4-5",
        tracker,
        maxRetries: 0,
      },
    );
    // No maxTokens, as most calls: 4096 output tokens at $5 per million bound it at $0.02.
    const refused = await llm
      .call({ messages: [{ role: "user", content: "hi" }] })
      .catch((e: unknown) => e);
    expect(BudgetExceededError.isInstance(refused)).toBe(true);
    // And with thinking, the budget plus room for the answer: more still.
    const thinking = await llm
      .call({ messages: [{ role: "user", content: "hi" }], reasoning: { effort: "high" } })
      .catch((e: unknown) => e);
    expect(BudgetExceededError.isInstance(thinking)).toBe(true);
    expect(server.requests).toHaveLength(0);
    expect(tracker.spentUsd).toBe(0);
    await llm.close();
  });
});
