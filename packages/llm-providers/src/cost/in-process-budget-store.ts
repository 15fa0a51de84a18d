import { BudgetExceededError } from "@loom/llm-types";
import { admits, checkActualCost, checkBudgetRequest } from "./budget-rule.js";
import type { BudgetRequest, BudgetReservation, BudgetStore } from "./budget-store.js";

/** A `BudgetStore` in this process: for tests, and for budgets shared by clients of one process. */
export class InProcessBudgetStore implements BudgetStore {
  readonly #budgets = new Map<string, { spent: number; claimed: number; inFlight: number }>();

  async reserve(request: BudgetRequest): Promise<BudgetReservation> {
    checkBudgetRequest(request);
    let budget = this.#budgets.get(request.key);
    if (budget === undefined) {
      budget = { spent: 0, claimed: 0, inFlight: 0 };
      this.#budgets.set(request.key, budget);
    }
    const held = budget.spent + budget.claimed;
    if (!admits(held, request.estimateUsd, request.budgetUsd)) {
      throw new BudgetExceededError({
        budgetUsd: request.budgetUsd,
        spentUsd: budget.spent,
        provider: request.provider,
        model: request.model,
      });
    }
    budget.claimed += request.estimateUsd;
    budget.inFlight++;
    const state = budget;
    let committed = false;
    return {
      spentUsd: budget.spent,
      remainingUsd: request.budgetUsd - held - request.estimateUsd,
      commit(actualUsd) {
        if (committed) return;
        // Checked before anything changes: a bad cost leaves the claim held, not the sum NaN.
        checkActualCost(actualUsd);
        committed = true;
        state.inFlight--;
        // Adding and taking back floats drifts: with no call in flight, the claims are exactly
        // none (a residue would refuse a call that fits, or let one past the budget).
        state.claimed = state.inFlight === 0 ? 0 : state.claimed - request.estimateUsd;
        state.spent += actualUsd ?? 0;
      },
    };
  }

  /** Spent under `key` so far. */
  spentUsd(key: string): number {
    return this.#budgets.get(key)?.spent ?? 0;
  }

  /**
   * Forgets what was spent under `key`, so its budget starts over (`CostTracker.reset()`);
   * the calls still in flight keep their claims, and their costs count after.
   */
  reset(key: string): void {
    const budget = this.#budgets.get(key);
    if (budget !== undefined) budget.spent = 0;
  }
}
