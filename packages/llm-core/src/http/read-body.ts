import { InvalidResponseError } from "@loom/llm-types";
import type { ResponseMeta } from "../response/response-meta.js";
import { discardBody } from "./discard-body.js";

/** A response body as undici hands it over: a stream of Buffers that can be destroyed. */
export interface BodyStream extends AsyncIterable<Buffer> {
  destroy(error?: Error): unknown;
  /** The whole body as UTF-8 (undici's own consumer: faster than iterating). */
  text(): Promise<string>;
}

/**
 * Reads a whole body as UTF-8, refusing more than `meta.maxBytes` (checked against
 * `content-length` first, then while reading) so a broken or hostile server cannot exhaust
 * memory.
 */
export async function readBody(
  body: BodyStream,
  contentLength: unknown,
  meta: ResponseMeta,
): Promise<string> {
  const declared = Number(contentLength);
  if (declared > meta.maxBytes) {
    discardBody(body);
    throw tooLarge(meta, `declares ${declared} bytes`);
  }
  // A declared length within the limit is enforced by undici itself (a body that runs longer
  // or shorter fails the response): let it read the body in one go.
  if (declared >= 0) return body.text();
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    size += chunk.length;
    if (size > meta.maxBytes) throw tooLarge(meta, `sent more than ${meta.maxBytes} bytes`);
    chunks.push(chunk);
  }
  if (chunks.length === 1) return (chunks[0] as Buffer).toString("utf8");
  return Buffer.concat(chunks, size).toString("utf8");
}

/**
 * Reads at most `limit` bytes of an error body and drops the rest: the message needs the first
 * few hundred characters, not a proxy's whole page. Never throws.
 */
export async function readErrorBody(body: BodyStream, limit: number = 64 * 1024): Promise<string> {
  const chunks: Buffer[] = [];
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
  return Buffer.concat(chunks, size).toString("utf8");
}

function tooLarge(meta: ResponseMeta, what: string): InvalidResponseError {
  return new InvalidResponseError({
    message: `${meta.request}: the response ${what}, over maxResponseBytes (${meta.maxBytes})`,
    provider: meta.provider,
    model: meta.model,
    requestId: meta.requestId,
  });
}
