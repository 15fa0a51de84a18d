import type { ExchangeFacts, LLMError, StatusReply } from "@loom/llm-types";
import { createStatusError } from "@loom/llm-utils";

/**
 * The typed error for a non-2xx reply, as OpenAI's and Anthropic's APIs both word theirs (an
 * `error` object with `type` and `message`, OpenAI-shaped on llama.cpp either way): typed by
 * status, the body masked already, `Retry-After` parsed, and the server's `x-should-retry`
 * (both vendors send it) winning over the status.
 */
export function statusError(reply: StatusReply, facts: ExchangeFacts): LLMError {
  const shouldRetry = reply.headers["x-should-retry"];
  return createStatusError({
    status: reply.status,
    body: reply.body,
    provider: facts.provider,
    model: facts.model,
    requestId: facts.requestId,
    request: facts.request,
    retryAfterMs: reply.retryAfterMs,
    shouldRetry: shouldRetry === "true" ? true : shouldRetry === "false" ? false : undefined,
    hint: reply.hint,
  });
}
