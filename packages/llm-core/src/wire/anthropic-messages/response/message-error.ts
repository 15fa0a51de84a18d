import type { ExchangeFacts, LLMError } from "@loom/llm-types";
import { payloadError } from "../../shared/payload-error.js";

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
 * The typed error for an error reported with status 200 (in a body or a stream), its status
 * from the error's `code` or its documented `type` (`payloadError`): an `overloaded_error` in a
 * stream is a retryable `ServerError` (529), a `rate_limit_error` a `RateLimitError`.
 */
export function messageError(
  payload: unknown,
  raw: string,
  facts: ExchangeFacts,
  where: string,
): LLMError {
  return payloadError(payload, raw, facts, where, STATUS_OF_TYPE);
}
