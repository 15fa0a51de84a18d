import type { ExchangeFacts, LLMError } from "@loom/llm-types";
import { createStatusError } from "@loom/llm-utils";

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

/**
 * The typed error for an error sent with status 200: inside a stream (`data: {"error": ...}`,
 * `event: error`, llama.cpp's `error:` line) or as the whole body. The status comes from the
 * error's numeric `code` (llama.cpp, vLLM, Gemini) or is inferred from its `type`, so a rate
 * limit is a `RateLimitError` wherever it was reported.
 */
export function bodyError(
  payload: unknown,
  raw: string,
  meta: ExchangeFacts,
  where = "error inside the stream",
): LLMError {
  // A server may echo the key in its message: parse the masked text instead. A caller may pass
  // text it masked already beside the payload it came from: the payload is masked too.
  const safe = meta.redact(raw);
  const value = safe === raw ? meta.redactor.redactValue(payload) : parseOr(safe, payload);
  const error = (value as { error?: unknown } | undefined)?.error ?? value ?? safe;
  const object =
    typeof error === "object" && error !== null
      ? (error as Record<string, unknown>)
      : { message: String(error) };
  const code = object.code;
  const status =
    typeof code === "number" && code >= 400 && code < 600
      ? code
      : statusFromType(`${object.type ?? ""} ${typeof code === "string" ? code : ""}`);
  return createStatusError({
    status,
    body: JSON.stringify({ error: object }),
    provider: meta.provider,
    model: meta.model,
    requestId: meta.requestId,
    request: `${meta.request} (${where})`,
  });
}

function statusFromType(type: string): number {
  if (/rate.?limit|quota/i.test(type)) return 429;
  if (/auth/i.test(type)) return 401;
  if (/permission/i.test(type)) return 403;
  if (/not.?found/i.test(type)) return 404;
  if (/overload|unavailable/i.test(type)) return 503;
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
