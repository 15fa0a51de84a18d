import type { ExchangeFacts } from "@loom/llm-types";
import { truncateText } from "@loom/llm-utils";

/**
 * Server text as an error may quote it: secrets masked first, then cut to `max` characters.
 * In that order: cutting first could leave most of a key where the cut falls inside it.
 */
export function quoteServerText(text: string, meta: ExchangeFacts, max?: number): string {
  return truncateText(meta.redact(text), max);
}
