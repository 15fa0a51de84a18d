import { BudgetExceededError } from "@loom/llm-types";
import type { BudgetRequest, BudgetReservation, BudgetStore } from "./budget-store.js";

/** A `BudgetStore` in this process: for tests, and for budgets shared by clients of one process. */
export class InProcessBudgetStore implements BudgetStore {
  readonly #budgets = new Map<string, { spent: number; claimed: number }>();

  async reserve(request: BudgetRequest): Promise<BudgetReservation> {
    let budget = this.#budgets.get(request.key);
    if (budget === undefined) {
      budget = { spent: 0, claimed: 0 };
      this.#budgets.set(request.key, budget);
    }
    const held = budget.spent + budget.claimed;
    if (held >= request.budgetUsd) {
      throw new BudgetExceededError({
        budgetUsd: request.budgetUsd,
        spentUsd: budget.spent,
        provider: request.provider,
        model: request.model,
      });
    }
    budget.claimed += request.estimateUsd;
    const state = budget;
    let committed = false;
    return {
      spentUsd: budget.spent,
      remainingUsd: request.budgetUsd - held - request.estimateUsd,
      commit(actualUsd) {
        if (committed) return;
        committed = true;
        state.claimed -= request.estimateUsd;
        state.spent += actualUsd ?? 0;
      },
    };
  }

  /** Spent under `key` so far. */
  spentUsd(key: string): number {
    return this.#budgets.get(key)?.spent ?? 0;
  }
}
