/**
 * How much a reasoning model should think, in one shape for every protocol. Each protocol
 * sends what it has: chat completions `reasoning_effort`; Responses `reasoning.effort` and
 * `reasoning.summary`; Anthropic Messages `thinking: {type: "enabled", budget_tokens}` (from
 * `budgetTokens`, or from `effort`: minimal 1 024, low 2 048, medium 8 192, high 24 576, xhigh
 * 32 768 tokens; `none` sends no thinking).
 */
export interface ReasoningOptions {
  /** How hard to think; `none` asks a reasoning model not to (OpenAI's newer models). */
  effort?: "none" | "minimal" | "low" | "medium" | "high" | "xhigh";
  /** Tokens the model may spend thinking (Anthropic's `budget_tokens`, at least 1 024). */
  budgetTokens?: number;
  /** A summary of the reasoning (Responses): it streams as `reasoning` events. */
  summary?: "auto" | "concise" | "detailed";
}
