import type { Usage } from "@loom/llm-types";
import { isCount, tokenCount, UNREPORTED_USAGE } from "../../shared/usage-counts.js";

/**
 * Anthropic's `usage` as `Usage`. Anthropic's `input_tokens` counts only the input after the
 * last cache breakpoint: the whole prompt is it plus `cache_creation_input_tokens` (written to
 * the cache) plus `cache_read_input_tokens` (read from it), the two subsets Loom reports apart.
 * Thinking is billed inside `output_tokens` and not counted apart (0). Anything missing or not
 * a number counts as 0; no usage at all gives zeros with `reported: false`.
 */
export function normalizeUsage(wire: unknown): Usage {
  if (typeof wire !== "object" || wire === null) return UNREPORTED_USAGE;
  const usage = wire as Record<string, unknown>;
  const written = tokenCount(usage.cache_creation_input_tokens);
  const read = tokenCount(usage.cache_read_input_tokens);
  const promptTokens = tokenCount(usage.input_tokens) + written + read;
  const completionTokens = tokenCount(usage.output_tokens);
  return {
    promptTokens,
    completionTokens,
    totalTokens: promptTokens + completionTokens,
    cachedPromptTokens: read,
    cacheWriteTokens: written,
    reasoningTokens: 0,
    reported:
      isCount(usage.input_tokens) ||
      isCount(usage.output_tokens) ||
      isCount(usage.cache_read_input_tokens) ||
      isCount(usage.cache_creation_input_tokens),
  };
}
