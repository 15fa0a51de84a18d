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
 * Maps a wire `usage` object to `Usage` (cost.md): cached tokens from DeepSeek's
 * `prompt_cache_hit_tokens` first, else OpenAI's `prompt_tokens_details.cached_tokens`;
 * reasoning from `completion_tokens_details.reasoning_tokens`. Anything missing or not a
 * number counts as 0; no usage at all gives zeros with `reported: false`.
 */
export function normalizeUsage(wire: unknown): Usage {
  if (typeof wire !== "object" || wire === null) return UNREPORTED_USAGE;
  const usage = wire as Record<string, unknown>;
  const promptTokens = count(usage.prompt_tokens);
  const completionTokens = count(usage.completion_tokens);
  const total = count(usage.total_tokens);
  const promptDetails = usage.prompt_tokens_details as Record<string, unknown> | null | undefined;
  const completionDetails = usage.completion_tokens_details as
    | Record<string, unknown>
    | null
    | undefined;
  return {
    promptTokens,
    completionTokens,
    totalTokens: total > 0 ? total : promptTokens + completionTokens,
    cachedPromptTokens:
      usage.prompt_cache_hit_tokens !== undefined
        ? count(usage.prompt_cache_hit_tokens)
        : count(promptDetails?.cached_tokens),
    cacheWriteTokens: 0,
    reasoningTokens: count(completionDetails?.reasoning_tokens),
    reported: true,
  };
}

function count(value: unknown): number {
  return typeof value === "number" && Number.isFinite(value) && value > 0 ? Math.floor(value) : 0;
}
