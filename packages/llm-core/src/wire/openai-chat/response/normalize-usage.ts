import type { Usage } from "@loom/llm-types";
import { isCount, tokenCount, tokenPart, UNREPORTED_USAGE } from "../../shared/usage-counts.js";

/**
 * Maps a wire `usage` object to `Usage` (cost.md): cached tokens from DeepSeek's
 * `prompt_cache_hit_tokens` first, else OpenAI's `prompt_tokens_details.cached_tokens`;
 * reasoning from `completion_tokens_details.reasoning_tokens`. Anything missing or not a
 * number counts as 0; no usage at all gives zeros with `reported: false`.
 */
export function normalizeUsage(wire: unknown): Usage {
  if (typeof wire !== "object" || wire === null) return UNREPORTED_USAGE;
  const usage = wire as Record<string, unknown>;
  const promptTokens = tokenCount(usage.prompt_tokens);
  const completionTokens = tokenCount(usage.completion_tokens);
  const total = tokenCount(usage.total_tokens);
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
        ? tokenPart(usage.prompt_cache_hit_tokens, promptTokens)
        : tokenPart(promptDetails?.cached_tokens, promptTokens),
    cacheWriteTokens: 0,
    reasoningTokens: tokenPart(completionDetails?.reasoning_tokens, completionTokens),
    reported:
      isCount(usage.prompt_tokens) ||
      isCount(usage.completion_tokens) ||
      isCount(usage.total_tokens),
  };
}
