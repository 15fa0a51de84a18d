import type { LLMError } from "@loom/llm-types";
import { createStatusError } from "@loom/llm-types/internal";
import type { ResponseMeta } from "../response/response-meta.js";

/**
 * The typed error for an error sent inside a 200 stream (`data: {"error": ...}`, `event: error`,
 * llama.cpp's `error:` line). The status comes from the error's numeric `code` (llama.cpp) or
 * is inferred from its `type`, so a rate limit is a `RateLimitError` wherever it was reported.
 */
export function streamError(payload: unknown, raw: string, meta: ResponseMeta): LLMError {
  // A server may echo the key in its message: parse the masked text instead.
  const safe = meta.redact(raw);
  const value = safe === raw ? payload : parseOr(safe, payload);
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
    request: `${meta.request} (error inside the stream)`,
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
