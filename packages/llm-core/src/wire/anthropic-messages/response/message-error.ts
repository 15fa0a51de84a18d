import type { ExchangeFacts, LLMError } from "@loom/llm-types";
import { createStatusError } from "@loom/llm-utils";

type Json = Record<string, unknown>;

/**
 * The status of each error `type` Anthropic documents ("Claude API errors"), for an error that
 * came without one: inside a stream (`event: error`) or in a 200 body.
 */
const STATUS_OF_TYPE: Readonly<Record<string, number>> = Object.freeze({
  invalid_request_error: 400,
  authentication_error: 401,
  billing_error: 402,
  permission_error: 403,
  not_found_error: 404,
  conflict_error: 409,
  request_too_large: 413,
  rate_limit_error: 429,
  api_error: 500,
  timeout_error: 504,
  overloaded_error: 529,
});

/**
 * The error a body or stream event holds instead of an answer, if it is one: Anthropic's
 * `{"type": "error", "error": {...}}`, or the OpenAI-shaped `{"error": {...}}` that llama.cpp
 * sends on its Messages endpoint.
 */
export function errorIn(value: unknown): Json | undefined {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return undefined;
  const record = value as Json;
  if (record.type === "error") return record;
  const error = record.error;
  return record.type === undefined &&
    record.content === undefined &&
    error !== undefined &&
    error !== null
    ? record
    : undefined;
}

/**
 * The typed error for an error reported with status 200 (in a body or a stream). The status is
 * the error's numeric `code` when it has one (llama.cpp), else its documented `type`'s, else
 * guessed from the type's words; so an `overloaded_error` in a stream is a retryable
 * `ServerError` (529) and a `rate_limit_error` a `RateLimitError`, as their statuses would be.
 */
export function messageError(
  payload: unknown,
  raw: string,
  facts: ExchangeFacts,
  where: string,
): LLMError {
  // A server may echo the key in its message: the masked text is parsed instead, and the value
  // masked again (the caller may have masked the text already, not the payload).
  const safe = facts.redact(raw);
  const value = facts.redactor.redactValue(safe === raw ? payload : parseOr(safe, payload));
  const error = (value as { error?: unknown } | null | undefined)?.error ?? value ?? safe;
  const object: Json =
    typeof error === "object" && error !== null ? (error as Json) : { message: String(error) };
  const code = object.code;
  const type = typeof object.type === "string" ? object.type : "";
  const status =
    typeof code === "number" && Number.isInteger(code) && code >= 400 && code < 600
      ? code
      : (STATUS_OF_TYPE[type] ?? guessStatus(`${type} ${typeof code === "string" ? code : ""}`));
  return createStatusError({
    status,
    body: JSON.stringify({ type: "error", error: object }),
    provider: facts.provider,
    model: facts.model,
    requestId: facts.requestId,
    request: `${facts.request} (${where})`,
  });
}

/** A status for an error type no document lists, from its words; a server error otherwise. */
function guessStatus(type: string): number {
  if (/rate.?limit|quota/i.test(type)) return 429;
  if (/auth/i.test(type)) return 401;
  if (/permission/i.test(type)) return 403;
  if (/not.?found/i.test(type)) return 404;
  if (/overload/i.test(type)) return 529;
  if (/unavailable/i.test(type)) return 503;
  if (/invalid|context|exceed|bad.?request/i.test(type)) return 400;
  return 500;
}

function parseOr(text: string, fallback: unknown): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return fallback;
  }
}
