/** What a provider's rate-limit headers say is left, and when each limit is whole again. */
export interface RateLimitHeaders {
  remainingRequests?: number;
  remainingTokens?: number;
  /** Milliseconds until the request limit resets. */
  resetRequestsMs?: number;
  /** Milliseconds until the token limit resets. */
  resetTokensMs?: number;
}

/**
 * Reads `x-ratelimit-remaining-requests`, `x-ratelimit-remaining-tokens` and their
 * `x-ratelimit-reset-*` (OpenAI, Groq, Together, DeepSeek and others send them), or Anthropic's
 * `anthropic-ratelimit-{requests,tokens}-{remaining,reset}`. A reset is a duration (`1s`,
 * `6m0s`, `20ms`, `1h2m3.5s`), a number of seconds, or (Anthropic) the RFC 3339 time it comes;
 * anything unreadable is left out rather than guessed.
 */
export function readRateLimitHeaders(
  headers: Readonly<Record<string, string | string[] | undefined>> | undefined,
  now: number = Date.now(),
): RateLimitHeaders | undefined {
  if (headers === undefined) return undefined;
  if (
    headers["anthropic-ratelimit-requests-remaining"] !== undefined ||
    headers["anthropic-ratelimit-tokens-remaining"] !== undefined
  )
    return readAnthropic(headers, now);
  const remainingRequests = count(headers["x-ratelimit-remaining-requests"]);
  const remainingTokens = count(headers["x-ratelimit-remaining-tokens"]);
  if (remainingRequests === undefined && remainingTokens === undefined) return undefined;
  const out: RateLimitHeaders = {};
  if (remainingRequests !== undefined) out.remainingRequests = remainingRequests;
  if (remainingTokens !== undefined) out.remainingTokens = remainingTokens;
  const resetRequestsMs = duration(headers["x-ratelimit-reset-requests"]);
  const resetTokensMs = duration(headers["x-ratelimit-reset-tokens"]);
  if (resetRequestsMs !== undefined) out.resetRequestsMs = resetRequestsMs;
  if (resetTokensMs !== undefined) out.resetTokensMs = resetTokensMs;
  return out;
}

/**
 * Anthropic's headers. `tokens` is the most restrictive of its input and output token limits,
 * which is what a gate that counts one token budget should heed.
 */
function readAnthropic(
  headers: Readonly<Record<string, string | string[] | undefined>>,
  now: number,
): RateLimitHeaders {
  const out: RateLimitHeaders = {};
  const remainingRequests = count(headers["anthropic-ratelimit-requests-remaining"]);
  const remainingTokens = count(headers["anthropic-ratelimit-tokens-remaining"]);
  if (remainingRequests !== undefined) out.remainingRequests = remainingRequests;
  if (remainingTokens !== undefined) out.remainingTokens = remainingTokens;
  const resetRequestsMs = untilTime(headers["anthropic-ratelimit-requests-reset"], now);
  const resetTokensMs = untilTime(headers["anthropic-ratelimit-tokens-reset"], now);
  if (resetRequestsMs !== undefined) out.resetRequestsMs = resetRequestsMs;
  if (resetTokensMs !== undefined) out.resetTokensMs = resetTokensMs;
  return out;
}

/** Milliseconds from `now` to an RFC 3339 time (`2026-12-06T14:30:00Z`); 0 once it passed. */
function untilTime(value: string | string[] | undefined, now: number): number | undefined {
  const text = first(value)?.trim();
  // A full date and time with a zone: `Date.parse` alone reads many looser forms as local time.
  if (
    text === undefined ||
    !/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/i.test(text)
  )
    return undefined;
  const at = Date.parse(text);
  if (!Number.isFinite(at)) return undefined;
  return Math.max(0, Math.ceil(at - now));
}

function first(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

function count(value: string | string[] | undefined): number | undefined {
  const text = first(value)?.trim();
  if (text === undefined || !/^\d+$/.test(text)) return undefined;
  return Number(text);
}

const UNIT_MS: Readonly<Record<string, number>> = { h: 3_600_000, m: 60_000, s: 1_000, ms: 1 };

/** `1h2m3.5s`, `20ms`, `6m0s`, or plain seconds (`2`, `0.5`), in milliseconds. */
export function duration(value: string | string[] | undefined): number | undefined {
  const text = first(value)?.trim();
  if (text === undefined || text === "") return undefined;
  if (/^\d+(\.\d+)?$/.test(text)) return Number(text) * 1_000;
  const parts =
    /^(?:(\d+(?:\.\d+)?)h)?(?:(\d+(?:\.\d+)?)m(?!s))?(?:(\d+(?:\.\d+)?)s)?(?:(\d+(?:\.\d+)?)ms)?$/.exec(
      text,
    );
  if (parts === null || parts[0] === "") return undefined;
  const [, h, m, s, ms] = parts;
  let total = 0;
  for (const [amount, unit] of [
    [h, "h"],
    [m, "m"],
    [s, "s"],
    [ms, "ms"],
  ] as const) {
    if (amount !== undefined) total += Number(amount) * (UNIT_MS[unit] ?? 0);
  }
  return Math.ceil(total);
}
