import { type ExchangeFacts, InvalidResponseError } from "@loom/llm-types";
import { quoteServerText } from "../../response/quote-server-text.js";

/**
 * Whether an SSE event's data carries nothing: empty or blank `data:` lines, which some proxies
 * send as keep-alives. Like a comment, such an event is no progress for the idle timeout.
 */
export function isBlankData(data: string): boolean {
  return data.length === 0 || (data.charCodeAt(0) <= 0x20 && data.trim() === "");
}

/**
 * An SSE event's data parsed as JSON; text that is not JSON is an `InvalidResponseError`
 * quoting it, masked and cut. No `cause`: the parser's message quotes the text where it
 * failed, unmasked.
 */
export function eventJson(data: string, facts: ExchangeFacts): unknown {
  try {
    return JSON.parse(data);
  } catch {
    throw new InvalidResponseError({
      message: `${facts.request} sent a stream event that is not JSON: ${quoteServerText(data, facts, 200)}`,
      raw: quoteServerText(data, facts),
      provider: facts.provider,
      model: facts.model,
      requestId: facts.requestId,
    });
  }
}
