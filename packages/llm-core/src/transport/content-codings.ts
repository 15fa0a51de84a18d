import type { TransportResponse } from "@loom/llm-types";

type Headers = TransportResponse["headers"];

/**
 * The codings a `content-encoding` header lists, in the order they were applied, `identity`
 * left out. Named as the server wrote them: compared without regard to case by the caller, an
 * error quoting one lowercased would hold a copy of a secret (a key echoed there) that masking
 * does not match.
 */
export function contentCodings(header: string): string[] {
  return header
    .split(",")
    .map((coding) => coding.trim())
    .filter((coding) => coding !== "" && coding.toLowerCase() !== "identity");
}

/** The headers of a decoded body: `content-encoding` and `content-length` describe the wire's bytes. */
export function decodedHeaders(headers: Headers): Headers {
  const { "content-encoding": _, "content-length": __, ...decoded } = headers;
  return decoded;
}

/**
 * An error status whose body is in a coding not decoded: still the error its status says (a 503
 * retried, a 429's wait kept), its body, which would only have been quoted, left unread. A 2xx
 * gets `undefined`: its body is the answer, and a coding not decoded is the caller's error.
 */
export function unreadErrorBody(status: number, headers: Headers): TransportResponse | undefined {
  if (status >= 200 && status < 300) return undefined;
  return {
    status,
    headers: decodedHeaders(headers),
    body: { async *[Symbol.asyncIterator]() {}, text: async () => "", destroy() {} },
  };
}
