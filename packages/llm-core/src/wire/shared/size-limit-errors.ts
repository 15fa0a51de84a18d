import { type ExchangeFacts, InvalidResponseError } from "@loom/llm-types";

/**
 * The error for a streamed response that grew past `maxResponseBytes`, counting `parts` (what
 * the protocol assembles: texts, reasoning, arguments, kept items) together.
 */
export function responseTooLarge(facts: ExchangeFacts, parts: string): InvalidResponseError {
  return new InvalidResponseError({
    message: `${facts.request}: the streamed response grew past maxResponseBytes (${facts.maxBytes}); ${parts} count together`,
    provider: facts.provider,
    model: facts.model,
    requestId: facts.requestId,
  });
}

/** The error for one SSE event larger than `maxResponseBytes`. */
export function eventTooLarge(facts: ExchangeFacts): InvalidResponseError {
  return new InvalidResponseError({
    message: `${facts.request}: a stream event exceeded maxResponseBytes (${facts.maxBytes})`,
    provider: facts.provider,
    model: facts.model,
    requestId: facts.requestId,
  });
}
