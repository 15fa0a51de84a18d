import type { ErrorReply, SseItem } from "../../fake-server/fake-reply.js";

/** The `error.type` of an Anthropic error: the documented values, or any other. */
export type AnthropicErrorType =
  | "invalid_request_error"
  | "authentication_error"
  | "billing_error"
  | "permission_error"
  | "not_found_error"
  | "conflict_error"
  | "request_too_large"
  | "rate_limit_error"
  | "api_error"
  | "timeout_error"
  | "overloaded_error"
  | (string & {});

/** Options for anthropicError. */
export interface AnthropicErrorOptions {
  /** The `request_id` in the body and the `request-id` header. @default "req_fake" */
  requestId?: string;
  /**
   * The `retry-after` header, in seconds; `null` sends none. @default 1 for a 429 (which also
   * gets the `anthropic-ratelimit-*` headers), none otherwise
   */
  retryAfterSeconds?: number | null;
  /** More headers, sent last (they win). */
  headers?: Record<string, string>;
}

/**
 * A non-2xx reply of the Anthropic API: `{"type":"error","error":{"type","message"},"request_id"}`
 * with the `request-id` header. The documented pairs are 400 `invalid_request_error`, 401
 * `authentication_error`, 402 `billing_error`, 403 `permission_error`, 404 `not_found_error`, 409
 * `conflict_error`, 413 `request_too_large`, 429 `rate_limit_error`, 500 `api_error`, 504
 * `timeout_error` and 529 `overloaded_error`. A 429 carries `retry-after` and the
 * `anthropic-ratelimit-{requests,tokens,input-tokens,output-tokens}-{limit,remaining,reset}`
 * headers, the exhausted requests limit resetting when `retry-after` says.
 */
export function anthropicError(
  status: number,
  type: AnthropicErrorType,
  message: string,
  options: AnthropicErrorOptions = {},
): ErrorReply {
  const requestId = options.requestId ?? "req_fake";
  const retryAfter =
    options.retryAfterSeconds === undefined
      ? status === 429
        ? 1
        : null
      : options.retryAfterSeconds;
  const headers: Record<string, string> = { "request-id": requestId };
  if (status === 429) Object.assign(headers, rateLimitHeaders(retryAfter ?? 60));
  if (retryAfter !== null) headers["retry-after"] = String(retryAfter);
  return {
    type: "error",
    status,
    headers: { ...headers, ...options.headers },
    body: { type: "error", error: { type, message }, request_id: requestId },
  };
}

/**
 * The `event: error` an Anthropic stream breaks off with (an overload mid-answer, say):
 * `{"type":"error","error":{"type","message"}}`. Put it among a stream's events; nothing follows
 * it on the real API.
 */
export function anthropicErrorEvent(type: AnthropicErrorType, message: string): SseItem {
  return { event: "error", data: JSON.stringify({ type: "error", error: { type, message } }) };
}

/** The rate-limit headers of a 429: the requests limit spent, resetting in `seconds` (RFC 3339). */
function rateLimitHeaders(seconds: number): Record<string, string> {
  const reset = new Date(Date.now() + seconds * 1000).toISOString().replace(/\.\d{3}Z$/, "Z");
  const headers: Record<string, string> = {
    "anthropic-ratelimit-requests-limit": "50",
    "anthropic-ratelimit-requests-remaining": "0",
    "anthropic-ratelimit-requests-reset": reset,
  };
  for (const [name, limit] of [
    ["tokens", "30000"],
    ["input-tokens", "20000"],
    ["output-tokens", "10000"],
  ] as const) {
    headers[`anthropic-ratelimit-${name}-limit`] = limit;
    headers[`anthropic-ratelimit-${name}-remaining`] = limit;
    headers[`anthropic-ratelimit-${name}-reset`] = reset;
  }
  return headers;
}
