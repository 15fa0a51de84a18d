// Apart from `decode-body.ts` (which loads `node:zlib`), so that the exchange can recognise the
// error on any runtime without loading Node's decoders.

/** The code of the error for a body in a coding that is not decoded. */
export const UNSUPPORTED_ENCODING = "LOOM_UNSUPPORTED_ENCODING";

/** The error for a body in `coding`, which the transport does not decode; `known` names those it does. */
export function unsupportedEncoding(coding: string, known: string): Error {
  return Object.assign(
    new Error(`the response is encoded with "${coding}", which is not decoded (${known} are)`),
    { code: UNSUPPORTED_ENCODING },
  );
}
