import { ConfigError } from "@loom/llm-types";

/**
 * `max_tokens` when neither the call nor the config sets one. Anthropic requires the field on
 * every request (other protocols leave the length to the server), so a default is needed:
 * 4 096 is the largest output every Claude model accepts, the Claude 3 Haiku and Opus
 * included, and as much as a chat answer usually takes. Set `maxTokens` for longer answers.
 */
export const DEFAULT_MAX_TOKENS = 4_096;

/**
 * Room left for the answer beside the thinking budget when no `maxTokens` is set: Anthropic
 * counts thinking inside `max_tokens`, which must be larger than `budget_tokens`.
 */
export const ANSWER_TOKENS_BESIDE_THINKING = 4_096;

/**
 * The `max_tokens` to send: the one asked for (call, then config), else the default. With a
 * thinking budget it must exceed the budget (Anthropic answers 400 otherwise): unset, it is the
 * budget plus room for the answer; set at or below the budget, the request is refused before it
 * is sent, naming both numbers.
 */
export function resolveMaxTokens(
  requested: number | undefined,
  budget: number | undefined,
): number {
  if (budget === undefined) return requested ?? DEFAULT_MAX_TOKENS;
  if (requested === undefined) return budget + ANSWER_TOKENS_BESIDE_THINKING;
  if (requested <= budget) {
    throw new ConfigError({
      issues: [
        {
          path: "maxTokens",
          message: `must be larger than the thinking budget: maxTokens is ${requested}, reasoning budget_tokens is ${budget} (Anthropic counts thinking inside max_tokens); raise maxTokens or lower reasoning.budgetTokens`,
        },
      ],
    });
  }
  return requested;
}
