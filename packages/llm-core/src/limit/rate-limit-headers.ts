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
 * Response headers as a caller may hold them: a fetch `Headers` (or anything with its `get`,
 * which is asked with lower-case names), or a record of names to values, names in any case (Node's `IncomingMessage.headers`,
 * undici's `request()`, a plain object).
 */
export type ResponseHeaders =
  | { get(name: string): string | null }
  | Readonly<Record<string, string | string[] | undefined>>;

/** A header's value by its lower-case name (what JavaScript callers hand over, unchecked). */
type HeaderValue = (name: string) => unknown;

/**
 * Reads `x-ratelimit-remaining-requests`, `x-ratelimit-remaining-tokens` and their
 * `x-ratelimit-reset-*` (OpenAI, Groq, Together, DeepSeek and others send them), or Anthropic's
 * `anthropic-ratelimit-{requests,tokens}-{remaining,reset}`, from headers in any case. A reset
 * is a duration (`1s`, `6m0s`, `20ms`, `1h2m3.5s`), a number of seconds, or (Anthropic) the
 * RFC 3339 time it comes; anything unreadable is left out rather than guessed.
 */
export function readRateLimitHeaders(
  headers: ResponseHeaders | undefined,
  now: number = Date.now(),
): RateLimitHeaders | undefined {
  if (headers === undefined || headers === null) return undefined;
  const header = lookupOf(headers);
  if (
    header("anthropic-ratelimit-requests-remaining") !== undefined ||
    header("anthropic-ratelimit-tokens-remaining") !== undefined
  )
    return readAnthropic(header, now);
  const remainingRequests = count(header("x-ratelimit-remaining-requests"));
  const remainingTokens = count(header("x-ratelimit-remaining-tokens"));
  if (remainingRequests === undefined && remainingTokens === undefined) return undefined;
  const out: RateLimitHeaders = {};
  if (remainingRequests !== undefined) out.remainingRequests = remainingRequests;
  if (remainingTokens !== undefined) out.remainingTokens = remainingTokens;
  const resetRequestsMs = duration(header("x-ratelimit-reset-requests"));
  const resetTokensMs = duration(header("x-ratelimit-reset-tokens"));
  if (resetRequestsMs !== undefined) out.resetRequestsMs = resetRequestsMs;
  if (resetTokensMs !== undefined) out.resetTokensMs = resetTokensMs;
  return out;
}

/**
 * Lookup by lower-case name. The client's own records are lower-case already (both transports
 * write them so), so they are read as they are; one with a name in another case is read
 * through a lower-cased copy, made once.
 */
function lookupOf(headers: ResponseHeaders): HeaderValue {
  if (typeof headers.get === "function") {
    const fetched = headers as { get(name: string): string | null };
    return (name) => fetched.get(name) ?? undefined;
  }
  const record = headers as Readonly<Record<string, string | string[] | undefined>>;
  for (const name in record) {
    if (name !== name.toLowerCase()) {
      const lower: Record<string, string | string[] | undefined> = {};
      for (const [key, value] of Object.entries(record)) lower[key.toLowerCase()] ??= value;
      return (wanted) => lower[wanted];
    }
  }
  return (name) => record[name];
}

/**
 * Anthropic's headers. `tokens` is the most restrictive of its input and output token limits,
 * which is what a gate that counts one token budget should heed.
 */
function readAnthropic(header: HeaderValue, now: number): RateLimitHeaders {
  const out: RateLimitHeaders = {};
  const remainingRequests = count(header("anthropic-ratelimit-requests-remaining"));
  const remainingTokens = count(header("anthropic-ratelimit-tokens-remaining"));
  if (remainingRequests !== undefined) out.remainingRequests = remainingRequests;
  if (remainingTokens !== undefined) out.remainingTokens = remainingTokens;
  const resetRequestsMs = untilTime(header("anthropic-ratelimit-requests-reset"), now);
  const resetTokensMs = untilTime(header("anthropic-ratelimit-tokens-reset"), now);
  if (resetRequestsMs !== undefined) out.resetRequestsMs = resetRequestsMs;
  if (resetTokensMs !== undefined) out.resetTokensMs = resetTokensMs;
  return out;
}

/** Milliseconds from `now` to an RFC 3339 time (`2026-12-06T14:30:00Z`); 0 once it passed. */
function untilTime(value: unknown, now: number): number | undefined {
  const text = first(value);
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

/**
 * A header's one value: the first of a repeated header, whether it came as an array (undici,
 * `headersDistinct`) or joined by commas (fetch's `Headers`, Node's `IncomingMessage`), so each
 * form reads alike. A number given by JavaScript is read as written; anything else is nothing.
 */
function first(value: unknown): string | undefined {
  const one = Array.isArray(value) ? (value as unknown[])[0] : value;
  if (typeof one === "number") return String(one);
  if (typeof one !== "string") return undefined;
  const comma = one.indexOf(",");
  return (comma === -1 ? one : one.slice(0, comma)).trim();
}

function count(value: unknown): number | undefined {
  const text = first(value);
  if (text === undefined || !/^\d+$/.test(text)) return undefined;
  const n = Number(text);
  return Number.isSafeInteger(n) ? n : undefined;
}

const UNIT_MS: Readonly<Record<string, number>> = { h: 3_600_000, m: 60_000, s: 1_000, ms: 1 };

/**
 * `1h2m3.5s`, `20ms`, `6m0s`, or plain seconds (`2`, `0.5`), in milliseconds; a figure too
 * large to be finite is nothing.
 */
export function duration(value: unknown): number | undefined {
  const text = first(value);
  if (text === undefined || text === "") return undefined;
  if (/^\d+(\.\d+)?$/.test(text)) return finite(Number(text) * 1_000);
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
  return finite(Math.ceil(total));
}

function finite(ms: number): number | undefined {
  return Number.isFinite(ms) ? ms : undefined;
}
