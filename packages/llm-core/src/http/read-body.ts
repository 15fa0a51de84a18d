import { type ExchangeFacts, InvalidResponseError, type ResponseBody } from "@loom/llm-types";
import { discardBody } from "./discard-body.js";
import { utf8Text } from "./utf8-text.js";

/**
 * Reads a whole body as UTF-8, refusing more than `facts.maxBytes` (checked against
 * `content-length` first, then while reading) so a broken or hostile server cannot exhaust
 * memory. `bounded`: the caller holds the whole read to a deadline (a call's watchdog), so a
 * body of a declared length may be read in one go (`ResponseBody.text()`, which need not bound
 * the gap between reads); otherwise it is read chunk by chunk, each read within `timeoutMs`.
 */
export async function readBody(
  body: ResponseBody,
  contentLength: unknown,
  facts: ExchangeFacts,
  bounded: boolean,
): Promise<string> {
  const declared = Number(contentLength);
  if (declared > facts.maxBytes) {
    discardBody(body);
    throw tooLarge(facts, `declares ${declared} bytes`);
  }
  // A declared length within the limit is enforced by the transport itself (a body that runs
  // longer or shorter fails the response): let it read the body in one go.
  if (declared >= 0 && bounded) return body.text();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of body) {
    size += chunk.length;
    if (size > facts.maxBytes) throw tooLarge(facts, `sent more than ${facts.maxBytes} bytes`);
    chunks.push(chunk);
  }
  return utf8Text(chunks, size);
}

/**
 * Reads at most `limit` bytes of an error body and drops the rest: the message needs the first
 * few hundred characters, not a proxy's whole page. Never throws.
 */
export async function readErrorBody(
  body: ResponseBody,
  limit: number = 64 * 1024,
): Promise<string> {
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    for await (const chunk of body) {
      chunks.push(chunk);
      size += chunk.length;
      if (size >= limit) break;
    }
  } catch {
    // A body cut off mid-error still yields what arrived.
  }
  return utf8Text(chunks, size);
}

function tooLarge(facts: ExchangeFacts, what: string): InvalidResponseError {
  return new InvalidResponseError({
    message: `${facts.request}: the response ${what}, over maxResponseBytes (${facts.maxBytes})`,
    provider: facts.provider,
    model: facts.model,
    requestId: facts.requestId,
  });
}
