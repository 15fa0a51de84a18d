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
 * A token count as a server wrote it, made safe to add up: anything missing, negative, not a
 * number or past what an integer holds exactly (2^53, no count a server ever processed: 1e308
 * would price a call at Infinity and spend every budget for good) counts as 0, a fraction is
 * floored. Every protocol's usage goes through it, so no field of `Usage` is ever `NaN`.
 */
export function tokenCount(value: unknown): number {
  return typeof value === "number" && value > 0 && value <= Number.MAX_SAFE_INTEGER
    ? Math.floor(value)
    : 0;
}

/**
 * Whether a server wrote a count here at all: a usage object holding none (every figure a
 * string, negative, NaN, 1e308) is no report, so its zeros read as unknown, not as free.
 */
export function isCount(value: unknown): boolean {
  return typeof value === "number" && value >= 0 && value <= Number.MAX_SAFE_INTEGER;
}

/**
 * A count that is part of another (cached of the prompt's, reasoning of the completion's), as
 * `tokenCount`, never more than the whole it is part of: a server's odd figure stays consistent.
 */
export function tokenPart(value: unknown, whole: number): number {
  return Math.min(tokenCount(value), whole);
}
