import { type ExchangeFacts, InvalidResponseError } from "@loom/llm-types";
import { isStackOverflow } from "@loom/llm-utils";

/**
 * `error` from reading a response, typed when it is the stack running out: `JSON.parse` reads
 * any depth, but turning what it gave into a response recurses (`JSON.stringify` of a tool
 * call's input, a schema's check), so an answer nested deeper than the stack is a bad answer,
 * an `InvalidResponseError`, not a bare `RangeError`. Any other error is returned as it is.
 */
export function tooDeep(error: unknown, facts: ExchangeFacts): unknown {
  if (!isStackOverflow(error)) return error;
  return new InvalidResponseError({
    message: `${facts.request}: the response is nested too deeply to read (the stack ran out)`,
    provider: facts.provider,
    model: facts.model,
    requestId: facts.requestId,
  });
}
