import { type NumberRule, numberProblem } from "@loom/llm-utils";
import type { BudgetRequest } from "./budget-store.js";

/** A sum of dollars: a budget, an estimate, a cost. NaN or an infinity would never add up. */
export const USD: NumberRule = { min: 0, max: Number.MAX_VALUE, integer: false };

/**
 * Whether a budget admits one more call, every store's rule (`RedisBudgetStore`'s script
 * follows it too). `heldUsd` is what was spent plus the estimates of the calls in flight.
 * A call that may cost something goes only if its estimate fits whole, so that with estimates
 * that are not below the actual costs the budget is never exceeded; one estimated at nothing
 * (its model has no price) goes while any of the budget is left, and adds nothing to it.
 */
export function admits(heldUsd: number, estimateUsd: number, budgetUsd: number): boolean {
  return estimateUsd > 0 ? heldUsd + estimateUsd <= budgetUsd : heldUsd < budgetUsd;
}

/**
 * A request a store cannot add up (a NaN or negative estimate, say) is a bug in its caller:
 * refused before anything is claimed, never counted (one NaN would refuse every later call).
 */
export function checkBudgetRequest(request: BudgetRequest): void {
  for (const [name, value] of [
    ["budgetUsd", request.budgetUsd],
    ["estimateUsd", request.estimateUsd],
  ] as const) {
    const problem = numberProblem(value, USD);
    if (problem !== undefined) throw new RangeError(`BudgetStore.reserve: ${name} ${problem}`);
  }
}

/** The same for a commit's actual cost (`undefined`: unknown, or nothing was spent). */
export function checkActualCost(actualUsd: number | undefined): void {
  const problem = actualUsd === undefined ? undefined : numberProblem(actualUsd, USD);
  if (problem !== undefined) throw new RangeError(`BudgetReservation.commit: ${problem}`);
}
