import { BudgetExceededError } from "@loom/llm-types";
import { describe, expect, it } from "vitest";
import type { BudgetRequest } from "./budget-store.js";
import { InProcessBudgetStore } from "./in-process-budget-store.js";

const request = (estimateUsd: number, budgetUsd = 0.04): BudgetRequest => ({
  key: "k",
  budgetUsd,
  estimateUsd,
  provider: "p",
  model: "m",
});

async function refused(store: InProcessBudgetStore, r: BudgetRequest): Promise<boolean> {
  return store.reserve(r).then(
    () => false,
    (e: unknown) => BudgetExceededError.isInstance(e),
  );
}

describe("InProcessBudgetStore", () => {
  it("a claim goes only if it fits whole; one estimated at 0 goes while any budget is left", async () => {
    const store = new InProcessBudgetStore();
    const first = await store.reserve(request(0.03));
    // 0.03 held: 0.01 more fits exactly, 0.011 does not.
    expect(await refused(store, request(0.011))).toBe(true);
    const second = await store.reserve(request(0.01));
    expect(second.remainingUsd).toBeCloseTo(0, 12);
    // Nothing left: even a call whose model has no price (estimate 0) is refused.
    expect(await refused(store, request(0))).toBe(true);
    first.commit(0.02);
    second.commit(0.01);
    expect(store.spentUsd("k")).toBeCloseTo(0.03, 12);
    // 0.01 left: an unpriced call goes (and adds nothing); a priced one must fit.
    (await store.reserve(request(0))).commit(undefined);
    expect(await refused(store, request(0.02))).toBe(true);
    expect(store.spentUsd("k")).toBeCloseTo(0.03, 12);
  });

  it("a number it cannot add up is refused before anything is claimed or spent", async () => {
    const store = new InProcessBudgetStore();
    for (const [estimate, budget] of [
      [Number.NaN, 1],
      [-0.01, 1],
      [Number.POSITIVE_INFINITY, 1],
      [0.01, Number.NaN],
    ] as const) {
      await expect(store.reserve(request(estimate, budget))).rejects.toThrow(RangeError);
    }
    await expect(store.reserve(request("0.01" as unknown as number))).rejects.toThrow(
      'estimateUsd must be a non-negative number, got the string "0.01"',
    );
    const held = await store.reserve(request(0.04));
    expect(() => held.commit(Number.NaN)).toThrow("commit: must be a non-negative number, got NaN");
    // The claim is still held (the bad commit changed nothing) and the sums are still numbers.
    expect(await refused(store, request(0.01))).toBe(true);
    held.commit(0.04);
    expect(store.spentUsd("k")).toBe(0.04);
  });

  it("reset(key) starts the spending over; claims in flight stay counted", async () => {
    const store = new InProcessBudgetStore();
    (await store.reserve(request(0.02))).commit(0.02);
    const flying = await store.reserve(request(0.02));
    store.reset("k");
    expect(store.spentUsd("k")).toBe(0);
    expect(await refused(store, request(0.03))).toBe(true);
    flying.commit(0.02);
    expect(store.spentUsd("k")).toBe(0.02);
  });
});
