/**
 * How much a reasoning model should think, in one shape for every protocol. Each protocol
 * sends what it has: chat completions `reasoning_effort`; Responses `reasoning.effort` and
 * `reasoning.summary`; Anthropic Messages `thinking: {type: "enabled", budget_tokens}` (from
 * `budgetTokens`, or from `effort`: low 2 048, medium 8 192, high 24 576 tokens).
 */
export interface ReasoningOptions {
  /** How hard to think. */
  effort?: "minimal" | "low" | "medium" | "high";
  /** Tokens the model may spend thinking (Anthropic's `budget_tokens`, at least 1 024). */
  budgetTokens?: number;
  /** A summary of the reasoning (Responses): it streams as `reasoning` events. */
  summary?: "auto" | "concise" | "detailed";
}
