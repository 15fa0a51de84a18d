import type { ExchangeFacts, LLMError } from "@loom/llm-types";
import { createStatusError } from "@loom/llm-utils";

type Json = Record<string, unknown>;

/**
 * The typed error for an error a server reported without a status of its own: inside a stream
 * (`data: {"error": ...}`, `event: error`, llama.cpp's `error:` line, Anthropic's
 * `{"type": "error", ...}`) or as a 200 body. The status is the error's numeric `code` when it
 * has one (llama.cpp, vLLM, Gemini), else its `type`'s in the protocol's own table
 * (`statusOfType`), else guessed from the type's words; so a rate limit is a `RateLimitError`
 * and an overload a retryable `ServerError` wherever it was reported.
 */
export function payloadError(
  payload: unknown,
  raw: string,
  facts: ExchangeFacts,
  where: string,
  statusOfType?: Readonly<Record<string, number>>,
): LLMError {
  // A server may echo the key in its message: the masked text is parsed instead. A caller may
  // pass text it masked already beside the payload it came from: the payload is masked too.
  const safe = facts.redact(raw);
  const value = safe === raw ? facts.redactor.redactValue(payload) : parseOr(safe, payload);
  const error = (value as { error?: unknown } | null | undefined)?.error ?? value ?? safe;
  const object: Json =
    typeof error === "object" && error !== null ? (error as Json) : { message: String(error) };
  const code = object.code;
  const type = typeof object.type === "string" ? object.type : "";
  const status =
    typeof code === "number" && Number.isInteger(code) && code >= 400 && code < 600
      ? code
      : (statusOfType?.[type] ?? guessStatus(`${type} ${typeof code === "string" ? code : ""}`));
  // The body kept on the error in the shape it came in (Anthropic's has a top-level type).
  const envelope =
    (value as { type?: unknown } | null | undefined)?.type === "error"
      ? { type: "error", error: object }
      : { error: object };
  return createStatusError({
    status,
    body: JSON.stringify(envelope),
    provider: facts.provider,
    model: facts.model,
    requestId: facts.requestId,
    request: `${facts.request} (${where})`,
  });
}

/** A status for an error type no table lists, from its words; a server error otherwise. */
function guessStatus(type: string): number {
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
