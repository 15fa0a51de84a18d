/** A call's claim on a shared budget, made before it is sent. */
export interface BudgetRequest {
  /** Which budget: processes sharing one use the same key. */
  readonly key: string;
  readonly budgetUsd: number;
  /** What the call may cost, from its token estimate and its model's price (0 when unpriced). */
  readonly estimateUsd: number;
  readonly provider: string;
  readonly model: string;
}

/** A claim granted: report what the call cost, once. */
export interface BudgetReservation {
  /**
   * Spent when the claim was granted, by every process sharing the budget; `undefined` when
   * the store could not tell (its backend unreachable, the call let through unaccounted).
   */
  readonly spentUsd: number | undefined;
  /**
   * What was left of the budget then, claims in flight counted as spent; `undefined` when the
   * store could not tell: the tracker then keeps what the last known reservation saw.
   */
  readonly remainingUsd: number | undefined;
  /** The call's actual cost (`undefined`: unknown, or nothing was spent); frees the claim. */
  commit(actualUsd: number | undefined): void;
}

/**
 * Where a budget's spending is kept, when it is shared: each call reserves its estimate before
 * it is sent and commits its actual cost after, so processes sharing a budget stop together.
 * `reserve` throws `BudgetExceededError` once spending and the claims in flight reach the
 * budget; what may still be spent beyond it is bounded by the calls already in flight.
 * `@loom/llm-redis` keeps it in Redis; `InProcessBudgetStore` in this process.
 */
export interface BudgetStore {
  reserve(request: BudgetRequest): Promise<BudgetReservation>;
}
