import { type APIStatusError, BadRequestError, type LLMError } from "@loom/llm-types";
import { createStatusError, type StatusErrorInput } from "@loom/llm-utils";

/**
 * The typed error for a status Anthropic (or a server speaking its protocol) answered with.
 * `createStatusError` types the common statuses; Anthropic adds 413 `request_too_large` (a
 * request over 32 MB, refused before it reaches the API), which is the request's fault like any
 * 400: a `BadRequestError`, never retried. 529 `overloaded_error` is a `ServerError`, retryable.
 */
export function statusErrorOf(input: StatusErrorInput): LLMError {
  if (input.status !== 413) return createStatusError(input);
  // Built without provider, model and request id, so its message is the bare one, which the
  // typed error prefixes with them again.
  const bare: APIStatusError = createStatusError({
    ...input,
    provider: undefined,
    model: undefined,
    requestId: undefined,
  });
  return new BadRequestError({
    message: bare.message,
    status: bare.status,
    body: bare.body,
    type: bare.type,
    code: bare.code,
    provider: input.provider,
    model: input.model,
    requestId: input.requestId,
    retryable: input.shouldRetry ?? false,
    retryAfterMs: input.retryAfterMs,
    attempts: input.attempts,
    cause: input.cause,
  });
}
