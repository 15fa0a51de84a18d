import { pipeline, type Readable } from "node:stream";
import { createBrotliDecompress, createGunzip, createInflate } from "node:zlib";
import { InvalidResponseError } from "@loom/llm-types";
import type { ResponseMeta } from "../response/response-meta.js";
import { discardBody } from "./discard-body.js";
import type { OpenResponse } from "./open-response.js";
import type { BodyStream } from "./read-body.js";

const DECODERS: Readonly<Record<string, () => NodeJS.ReadWriteStream>> = {
  gzip: createGunzip,
  "x-gzip": createGunzip,
  deflate: createInflate,
  br: createBrotliDecompress,
};

type Body = OpenResponse["body"];

/**
 * The response with its body decoded when it came compressed: no `accept-encoding` is sent, but
 * a proxy may compress anyway. Costs nothing for the usual response without `content-encoding`.
 * Decoding is streamed, so `maxResponseBytes` bounds the decoded size as it does any body; a
 * coding this client does not know is an `InvalidResponseError` naming it.
 */
export function decodeBody(response: OpenResponse, meta: ResponseMeta): OpenResponse {
  const header = response.headers["content-encoding"];
  if (header === undefined) return response;
  const codings = String(header)
    .toLowerCase()
    .split(",")
    .map((coding) => coding.trim())
    .filter((coding) => coding !== "" && coding !== "identity");
  if (codings.length === 0) return response;
  const unknown = codings.find((coding) => DECODERS[coding] === undefined);
  if (unknown !== undefined) {
    discardBody(response.body);
    throw new InvalidResponseError({
      message: `${meta.request}: the response is encoded with "${unknown}", which is not decoded (gzip, deflate and br are)`,
      provider: meta.provider,
      model: meta.model,
      requestId: meta.requestId,
    });
  }
  // Codings are listed in the order they were applied: undo them last first.
  const decoders = codings
    .reverse()
    .map((coding) => (DECODERS[coding] as () => NodeJS.ReadWriteStream)());
  const original = response.body;
  const decoded = pipeline(
    original as unknown as Readable,
    ...(decoders as [NodeJS.ReadWriteStream]),
    () => {
      // Errors surface through the decoded stream's iterator.
    },
  ) as unknown as Readable;
  const { "content-encoding": _, "content-length": __, ...headers } = response.headers;
  return { headers, body: decodedBody(decoded, original) };
}

function decodedBody(decoded: Readable, original: Body): Body {
  const body: BodyStream = {
    [Symbol.asyncIterator]: () => decoded[Symbol.asyncIterator]() as AsyncIterator<Buffer>,
    destroy(error?: Error) {
      decoded.destroy(error);
      original.destroy(error);
    },
    async text() {
      const chunks: Buffer[] = [];
      for await (const chunk of decoded) chunks.push(chunk as Buffer);
      return Buffer.concat(chunks).toString("utf8");
    },
  };
  return Object.assign(body, {
    dump: (options?: { limit?: number; signal?: AbortSignal }) => original.dump(options),
  });
}
