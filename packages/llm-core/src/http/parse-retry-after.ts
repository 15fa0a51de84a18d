/** The retry hints a response may carry, header names lowercased (as undici gives them). */
export interface RetryAfterHeaders {
  "retry-after-ms"?: string | string[] | undefined;
  "retry-after"?: string | string[] | undefined;
}

/**
 * How long the server asked the client to wait, in milliseconds, or `undefined` when it did
 * not say (or said nonsense). `retry-after-ms` wins (OpenAI sends both); `Retry-After` is
 * seconds or an HTTP date. A date in the past means "now": 0.
 */
export function parseRetryAfter(
  headers: RetryAfterHeaders,
  now: number = Date.now(),
): number | undefined {
  const ms = first(headers["retry-after-ms"]);
  if (ms !== undefined && /^\s*\d+(\.\d+)?\s*$/.test(ms)) return Math.ceil(Number(ms));
  const value = first(headers["retry-after"])?.trim();
  if (!value) return undefined;
  if (/^\d+(\.\d+)?$/.test(value)) return Math.ceil(Number(value) * 1000);
  // An HTTP date always names a weekday or month; this keeps `Date.parse("12")` out.
  if (!/[a-z]/i.test(value)) return undefined;
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

function first(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}
