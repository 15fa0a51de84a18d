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
 * A token count as a server wrote it, made safe to add up: anything missing, negative or not a
 * number counts as 0, a fraction is floored. Every protocol's usage goes through it, so no field
 * of `Usage` is ever `NaN`.
 */
export function tokenCount(value: unknown): number {
  return typeof value === "number" && Number.isFinite(value) && value > 0 ? Math.floor(value) : 0;
}
