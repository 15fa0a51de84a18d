import { BudgetExceededError, ConfigError, type Usage } from "@loom/llm-types";
import { describe, expect, it } from "vitest";
import { CostTracker } from "./cost-tracker.js";

const usage = (prompt: number, completion: number, extra: Partial<Usage> = {}): Usage => ({
  promptTokens: prompt,
  completionTokens: completion,
  totalTokens: prompt + completion,
  cachedPromptTokens: 0,
  cacheWriteTokens: 0,
  reasoningTokens: 0,
  reported: true,
  ...extra,
});

describe("CostTracker", () => {
  it("sums calls, errors, tokens and USD per provider and model", () => {
    const tracker = new CostTracker();
    tracker.record("deepseek", "deepseek-chat", usage(100, 20, { cachedPromptTokens: 64 }), 0.001);
    tracker.record("deepseek", "deepseek-chat", usage(50, 10, { cacheWriteTokens: 40 }), 0.0005);
    tracker.record("local", "qwen", usage(30, 5), undefined);
    tracker.recordError("deepseek", "deepseek-chat");
    const snapshot = tracker.snapshot();
    expect(snapshot.total).toEqual({
      calls: 3,
      errors: 1,
      promptTokens: 180,
      completionTokens: 35,
      cachedPromptTokens: 64,
      cacheWriteTokens: 40,
      reasoningTokens: 0,
      totalTokens: 215,
      costUsd: 0.0015,
      estimatedUsd: 0,
      unpricedCalls: 1,
      unreportedCalls: 0,
    });
    expect(snapshot.byModel).toEqual([
      expect.objectContaining({
        provider: "deepseek",
        model: "deepseek-chat",
        calls: 2,
        errors: 1,
        costUsd: 0.0015,
      }),
      expect.objectContaining({
        provider: "local",
        model: "qwen",
        calls: 1,
        unpricedCalls: 1,
        costUsd: 0,
      }),
    ]);
  });

  it("counts calls without usage separately", () => {
    const tracker = new CostTracker();
    tracker.record("local", "m", usage(0, 0, { reported: false }), undefined);
    expect(tracker.snapshot().total).toMatchObject({
      calls: 1,
      unreportedCalls: 1,
      unpricedCalls: 1,
    });
  });

  it("a cost that is no amount (Infinity, NaN, negative) counts as unknown, and the budget holds", () => {
    const tracker = new CostTracker({ budgetUsd: 1 });
    for (const cost of [Number.POSITIVE_INFINITY, Number.NaN, -1])
      tracker.record("p", "m", usage(10, 1), cost);
    tracker.record("p", "m", usage(10, 1), 0.25);
    expect(tracker.spentUsd).toBe(0.25);
    expect(tracker.snapshot().total).toMatchObject({ calls: 4, unpricedCalls: 3, costUsd: 0.25 });
    expect(() => tracker.checkBudget()).not.toThrow();
  });

  it("a snapshot is a copy", () => {
    const tracker = new CostTracker();
    const before = tracker.snapshot();
    tracker.record("p", "m", usage(1, 1), 1);
    expect(before.total.calls).toBe(0);
  });

  it("refuses the next call once the budget is spent", () => {
    const tracker = new CostTracker({ budgetUsd: 0.01 });
    tracker.checkBudget();
    tracker.record("p", "m", usage(1, 1), 0.006);
    tracker.checkBudget();
    tracker.record("p", "m", usage(1, 1), 0.006);
    let refused: unknown;
    try {
      tracker.checkBudget("p", "m");
    } catch (error) {
      refused = error;
    }
    expect(BudgetExceededError.isInstance(refused)).toBe(true);
    expect(refused).toMatchObject({
      budgetUsd: 0.01,
      spentUsd: 0.012,
      retryable: false,
      provider: "p",
      model: "m",
    });
    expect((refused as Error).message).toBe(
      "p/m: Budget of $0.01 spent ($0.012000 so far): call refused before sending",
    );
  });

  it("a budget that is not a number of dollars is refused when the tracker is made", () => {
    for (const [budgetUsd, got] of [
      [Number.NaN, "got NaN"],
      [-1, "got -1"],
      [Number.POSITIVE_INFINITY, "got Infinity"],
      ["5", 'got the string "5"'],
    ] as const) {
      let error: unknown;
      try {
        new CostTracker({ budgetUsd: budgetUsd as number });
      } catch (e) {
        error = e;
      }
      expect(ConfigError.isInstance(error)).toBe(true);
      expect((error as Error).message).toContain(
        `budgetUsd: must be a non-negative number, ${got}`,
      );
    }
    expect(() => new CostTracker({ budgetUsd: 0 })).not.toThrow();
    expect(() => new CostTracker({ budgetUsd: 1, budgetKey: "" })).toThrow(
      "budgetKey: must be a non-empty string",
    );
  });

  it("reset() starts over", () => {
    const tracker = new CostTracker({ budgetUsd: 1 });
    tracker.record("p", "m", usage(1, 1), 2);
    tracker.reset();
    expect(tracker.snapshot().total.calls).toBe(0);
    expect(() => tracker.checkBudget()).not.toThrow();
  });

  it("formats a report table", () => {
    const tracker = new CostTracker({ budgetUsd: 5 });
    tracker.record(
      "deepseek",
      "deepseek-chat",
      usage(1200, 300, { cachedPromptTokens: 400 }),
      0.000461,
    );
    tracker.record("local", "qwen2.5-0.5b-instruct", usage(30, 5), undefined);
    expect(tracker.formatReport()).toBe(
      [
        "provider  model                  calls  errors  prompt  cached  completion  reasoning   cost USD",
        "deepseek  deepseek-chat              1       0    1200     400         300          0   0.000461",
        "local     qwen2.5-0.5b-instruct      1       0      30       0           5          0    unknown",
        "total                                2       0    1230     400         305          0  0.000461+",
        "+ some calls have no known price or usage: not counted in USD",
        "budget: $5 (spent $0.000461)",
      ].join("\n"),
    );
  });
});
