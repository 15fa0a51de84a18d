import type { Usage } from "@loom/llm-types";
import { isCount, tokenCount, tokenPart, UNREPORTED_USAGE } from "../../shared/usage-counts.js";
import { isObject } from "./output-items.js";

/**
 * A Responses `usage` object as `Usage` (API reference, "The response object", `usage`):
 * `input_tokens` (every input token, cached ones included) → `promptTokens`,
 * `input_tokens_details.cached_tokens` → `cachedPromptTokens`, `output_tokens` (reasoning
 * included) → `completionTokens`, `output_tokens_details.reasoning_tokens` →
 * `reasoningTokens`, `total_tokens` → `totalTokens` (their sum when absent). The API reports no
 * cache writes: `cacheWriteTokens` is 0. No usage at all: zeros with `reported: false`.
 */
export function normalizeUsage(wire: unknown): Usage {
  if (!isObject(wire)) return UNREPORTED_USAGE;
  const promptTokens = tokenCount(wire.input_tokens);
  const completionTokens = tokenCount(wire.output_tokens);
  const total = tokenCount(wire.total_tokens);
  const input = isObject(wire.input_tokens_details) ? wire.input_tokens_details : {};
  const output = isObject(wire.output_tokens_details) ? wire.output_tokens_details : {};
  return {
    promptTokens,
    completionTokens,
    totalTokens: total > 0 ? total : promptTokens + completionTokens,
    cachedPromptTokens: tokenPart(input.cached_tokens, promptTokens),
    cacheWriteTokens: 0,
    reasoningTokens: tokenPart(output.reasoning_tokens, completionTokens),
    reported:
      isCount(wire.input_tokens) || isCount(wire.output_tokens) || isCount(wire.total_tokens),
  };
}
