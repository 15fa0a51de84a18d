import { LLMError, type LLMErrorOptions } from "./llm-error.js";

/** What a `BudgetExceededError` is built from. */
export interface BudgetExceededErrorOptions extends Omit<LLMErrorOptions, "message" | "retryable"> {
  message?: string | undefined;
  budgetUsd: number;
  spentUsd: number;
}

/** A cost budget is spent: the call was refused before any request was sent. */
export class BudgetExceededError extends LLMError {
  static override readonly marker: symbol = Symbol.for("@loom/llm.error.BudgetExceededError");
  override readonly name: string = "BudgetExceededError";
  readonly budgetUsd: number;
  readonly spentUsd: number;

  constructor(options: BudgetExceededErrorOptions) {
    super({
      ...options,
      message:
        options.message ??
        `Budget of $${options.budgetUsd} spent ($${options.spentUsd.toFixed(6)} so far): call refused before sending`,
      retryable: false,
    });
    this.budgetUsd = options.budgetUsd;
    this.spentUsd = options.spentUsd;
  }
}
