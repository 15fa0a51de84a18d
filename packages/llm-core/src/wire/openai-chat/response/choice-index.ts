import type { ExchangeFacts } from "@loom/llm-types";
import { InvalidResponseError } from "@loom/llm-types";
import { quoteServerText } from "../../../response/quote-server-text.js";

/** The most answers one response may carry: OpenAI's bound on `n`. */
export const MAX_CHOICES = 128;

/**
 * The index of a choice as a server sent it: its `index`, or `fallback` when it has none (its
 * position in a body; 0 in a stream chunk, which carries one choice). An index no request can
 * produce (negative, fractional, a string, past `MAX_CHOICES`) is an `InvalidResponseError`,
 * the same for `call()` and `stream()`, rather than a table a server can grow at will.
 */
export function choiceIndex(index: unknown, fallback: number, meta: ExchangeFacts): number {
  if (index === undefined || index === null) return fallback;
  if (typeof index === "number" && Number.isInteger(index) && index >= 0 && index < MAX_CHOICES)
    return index;
  throw new InvalidResponseError({
    message: `${meta.request}: the server sent a choice index outside 0 to ${MAX_CHOICES - 1}: ${quoteServerText(JSON.stringify(index) ?? String(index), meta, 40)}`,
    provider: meta.provider,
    model: meta.model,
    requestId: meta.requestId,
  });
}
