import { pipeline, type Readable } from "node:stream";
import * as zlib from "node:zlib";
import type { ResponseBody, TransportResponse } from "@loom/llm-types";
import { discardBody } from "../http/discard-body.js";
import { contentCodings, decodedHeaders, unreadErrorBody } from "./content-codings.js";
import { unsupportedEncoding } from "./unsupported-encoding.js";

// zstd where this Node.js has it (22.15 and later): looked up, not imported by name, so an
// older one still loads this module.
const zstd = (zlib as { createZstdDecompress?: () => NodeJS.ReadWriteStream }).createZstdDecompress;

const DECODERS: Readonly<Record<string, () => NodeJS.ReadWriteStream>> = {
  gzip: zlib.createGunzip,
  "x-gzip": zlib.createGunzip,
  deflate: zlib.createInflate,
  br: zlib.createBrotliDecompress,
  ...(zstd === undefined ? {} : { zstd }),
};

const KNOWN = zstd === undefined ? "gzip, deflate and br" : "gzip, deflate, br and zstd";

/**
 * The response with its body decoded when it came compressed: no `accept-encoding` is sent, but
 * a proxy may compress anyway. Costs nothing for the usual response without `content-encoding`.
 * Decoding is streamed, so `maxResponseBytes` bounds the decoded size as it does any body; a
 * coding not known here is an error with code `LOOM_UNSUPPORTED_ENCODING` naming it.
 */
export function decodeBody(response: TransportResponse): TransportResponse {
  const header = response.headers["content-encoding"];
  if (header === undefined) return response;
  const codings = contentCodings(String(header));
  if (codings.length === 0) return response;
  const unknown = codings.find((coding) => DECODERS[coding.toLowerCase()] === undefined);
  if (unknown !== undefined) {
    discardBody(response.body);
    const error = unreadErrorBody(response.status, response.headers);
    if (error !== undefined) return error;
    throw unsupportedEncoding(unknown, KNOWN);
  }
  // Codings are listed in the order they were applied: undo them last first.
  const decoders = codings
    .reverse()
    .map((coding) => (DECODERS[coding.toLowerCase()] as () => NodeJS.ReadWriteStream)());
  const original = response.body;
  const decoded = pipeline(
    original as unknown as Readable,
    ...(decoders as [NodeJS.ReadWriteStream]),
    () => {
      // Errors surface through the decoded stream's iterator.
    },
  ) as unknown as Readable;
  return {
    status: response.status,
    headers: decodedHeaders(response.headers),
    body: decodedBody(decoded, original),
  };
}

function decodedBody(decoded: Readable, original: ResponseBody): ResponseBody {
  return {
    [Symbol.asyncIterator]: () => decoded[Symbol.asyncIterator]() as AsyncIterator<Uint8Array>,
    destroy(error?: Error) {
      decoded.destroy(error);
      original.destroy(error);
    },
    async text() {
      const chunks: Uint8Array[] = [];
      for await (const chunk of decoded) chunks.push(chunk as Uint8Array);
      return Buffer.concat(chunks).toString("utf8");
    },
  };
}
