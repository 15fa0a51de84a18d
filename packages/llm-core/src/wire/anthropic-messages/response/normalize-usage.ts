import type { Usage } from "@loom/llm-types";

/** What the server reported as zeros: used when `usage` is missing, so nothing is `NaN`. */
export const UNREPORTED_USAGE: Usage = Object.freeze({
  promptTokens: 0,
  completionTokens: 0,
  totalTokens: 0,
  cachedPromptTokens: 0,
  cacheWriteTokens: 0,
  reasoningTokens: 0,
  reported: false,
});

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
  const written = count(usage.cache_creation_input_tokens);
  const read = count(usage.cache_read_input_tokens);
  const promptTokens = count(usage.input_tokens) + written + read;
  const completionTokens = count(usage.output_tokens);
  return {
    promptTokens,
    completionTokens,
    totalTokens: promptTokens + completionTokens,
    cachedPromptTokens: read,
    cacheWriteTokens: written,
    reasoningTokens: 0,
    reported: true,
  };
}

function count(value: unknown): number {
  return typeof value === "number" && Number.isFinite(value) && value > 0 ? Math.floor(value) : 0;
}
