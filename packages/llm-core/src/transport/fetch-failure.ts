/** The code of a `fetch` failure that names no code of its own (a bare `TypeError`). */
export const FETCH_FAILED = "LOOM_FETCH_FAILED";

/**
 * What `fetch` (or a read of its body) rejected with, as the exchange types transport failures:
 * by their `code` (`http/to-transport-error.ts`). Node's fetch puts the socket's code in the
 * `cause` (`TypeError: fetch failed` caused by `ECONNREFUSED`, `UND_ERR_SOCKET`, `ECONNRESET`)
 * and Bun on the error itself: those pass as they are. Browsers, Deno and workerd reject with a
 * bare `TypeError` (a network error, by the Fetch standard, names no reason): it gets the code
 * `LOOM_FETCH_FAILED`, and so becomes a `ConnectionError` rather than passing untyped, as an
 * error without a code (a bug) does. workerd fails a body cut mid-way with a plain
 * `Error: Network connection lost.`: the same. Anything else (an abort's reason) passes untouched.
 */
export function fetchFailure(error: unknown): unknown {
  if (hasCode(error) || !(error instanceof TypeError || isLostConnection(error))) return error;
  const failure = new Error(innermostMessage(error) || "the network request failed", {
    cause: error,
  });
  return Object.assign(failure, { code: FETCH_FAILED });
}

/** workerd's words for a connection that broke under a request or its body. */
function isLostConnection(error: unknown): error is Error {
  return (
    error instanceof Error &&
    error.name === "Error" &&
    /^network connection lost\.?$/i.test(error.message)
  );
}

function hasCode(error: unknown): boolean {
  for (let e = error as { code?: unknown; cause?: unknown } | null, depth = 0; depth < 5; depth++) {
    if (typeof e?.code === "string") return true;
    if (e?.cause === undefined || e.cause === e) return false;
    e = e.cause as { code?: unknown; cause?: unknown } | null;
  }
  return false;
}

/** The most specific words: Deno says why in the cause (`tcp connect error: Connection refused`). */
function innermostMessage(error: Error): string {
  let message = error.message;
  for (let e: unknown = error.cause, depth = 0; e instanceof Error && depth < 5; depth++) {
    if (e.message !== "") message = e.message;
    e = e.cause;
  }
  return message;
}
