import type { ReasoningOptions } from "@loom/llm-types";

/**
 * Thinking tokens per effort, for a request that names an effort rather than a budget.
 * `minimal` is Anthropic's smallest budget (1 024); the others are the budgets documented in
 * `ReasoningOptions` (low 2 048, medium 8 192, high 24 576, xhigh 32 768).
 */
export const THINKING_BUDGETS: Readonly<
  Record<Exclude<NonNullable<ReasoningOptions["effort"]>, "none">, number>
> = Object.freeze({ minimal: 1_024, low: 2_048, medium: 8_192, high: 24_576, xhigh: 32_768 });

/**
 * The `budget_tokens` of a request's `thinking`: its `budgetTokens`, else its effort's budget;
 * undefined for `effort: "none"`, and for options that say nothing Anthropic reads (a `summary`
 * alone is the Responses API's: no thinking for it). Asking for reasoning without saying how
 * much (`reasoning: {}`) is a medium effort.
 */
export function thinkingBudget(reasoning: ReasoningOptions): number | undefined {
  if (reasoning.budgetTokens !== undefined) return reasoning.budgetTokens;
  if (reasoning.effort === "none") return undefined;
  if (reasoning.effort === undefined && reasoning.summary !== undefined) return undefined;
  return THINKING_BUDGETS[reasoning.effort ?? "medium"];
}
