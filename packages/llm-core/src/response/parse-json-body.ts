import type { ExchangeFacts } from "@loom/llm-types";
import { InvalidResponseError } from "@loom/llm-types";
import { quoteServerText } from "./quote-server-text.js";

/**
 * `JSON.parse` with a typed error that names the request and keeps the offending text,
 * truncated. A leading byte order mark is skipped (RFC 8259 lets a parser ignore it): undici's
 * `text()` drops it and a chunked read or fetch's keeps it, and the same body must read the same.
 */
export function parseJsonBody(text: string, meta: ExchangeFacts): unknown {
  try {
    return JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
  } catch {
    // No `cause`: the parser's message quotes the text where it failed, unmasked.
    throw new InvalidResponseError({
      message: `${meta.request} returned a body that is not JSON: ${quoteServerText(text, meta, 200)}`,
      raw: quoteServerText(text, meta),
      provider: meta.provider,
      model: meta.model,
      requestId: meta.requestId,
    });
  }
}
