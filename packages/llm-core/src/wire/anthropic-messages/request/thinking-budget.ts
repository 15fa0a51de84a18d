import type { ReasoningOptions } from "@loom/llm-types";

/**
 * Thinking tokens per effort, for a request that names an effort rather than a budget.
 * `minimal` is Anthropic's smallest budget (1 024); the others are the budgets documented in
 * `ReasoningOptions` (low 2 048, medium 8 192, high 24 576).
 */
export const THINKING_BUDGETS: Readonly<Record<NonNullable<ReasoningOptions["effort"]>, number>> =
  Object.freeze({ minimal: 1_024, low: 2_048, medium: 8_192, high: 24_576 });

/**
 * The `budget_tokens` of a request's `thinking`: its `budgetTokens`, else its effort's budget.
 * Asking for reasoning without saying how much (`reasoning: {}`) is a medium effort.
 */
export function thinkingBudget(reasoning: ReasoningOptions): number {
  return reasoning.budgetTokens ?? THINKING_BUDGETS[reasoning.effort ?? "medium"];
}
