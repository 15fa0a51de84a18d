import type { ExchangeFacts, LLMError } from "@loom/llm-types";
import { payloadError } from "../../shared/payload-error.js";

/**
 * The error a 200 answer holds instead of a completion, if it is one: OpenAI's `{"error": ...}`
 * (a non-null `error`), vLLM's `{"object": "error", ...}`, or Gemini's `[{"error": ...}]`.
 */
export function errorIn(value: unknown): object | undefined {
  if (typeof value !== "object" || value === null) return undefined;
  if (Array.isArray(value)) {
    const first: unknown = value[0];
    return typeof first === "object" && first !== null && "error" in first ? first : undefined;
  }
  const record = value as { error?: unknown; object?: unknown };
  return (record.error !== undefined && record.error !== null) || record.object === "error"
    ? value
    : undefined;
}

/** The typed error for an error sent with status 200, in a body or a stream (`payloadError`). */
export function bodyError(
  payload: unknown,
  raw: string,
  meta: ExchangeFacts,
  where = "error inside the stream",
): LLMError {
  return payloadError(payload, raw, meta, where);
}
