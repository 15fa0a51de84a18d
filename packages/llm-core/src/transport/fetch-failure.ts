import { currentRuntime, type RuntimeName } from "../runtime/current-runtime.js";

/** The code of a `fetch` failure that names no code of its own (a bare `TypeError`). */
export const FETCH_FAILED = "LOOM_FETCH_FAILED";
/** A bare failure whose words say the server's answer was not HTTP: a response had begun. */
export const BAD_RESPONSE = "LOOM_BAD_RESPONSE";
/** A bare failure whose words say a compressed body did not decode. */
export const UNDECODABLE_BODY = "LOOM_UNDECODABLE_BODY";
/** A bare failure whose words say the response's header block was too large: it had begun. */
export const HEADERS_TOO_LARGE = "LOOM_HEADERS_TOO_LARGE";

// Deno's fetch (hyper) names no code, only words: `invalid HTTP version parsed`, `error
// parsing`; `deflate decompression error`. An answer that is not HTTP, or a body that does not
// decode, came from a server that may have acted on the request: never resent.
const NOT_HTTP = /invalid http|error parsing|parse error|malformed/i;
// Deno says "Invalid gzip header", "brotli error" (and the like) for a body that is not in its
// declared coding; workerd "Gzip decompression failed.".
const NOT_DECODED =
  /decompression (error|failed)|decoding error|error decoding|invalid (gzip|deflate|brotli|zstd)|(gzip|deflate|brotli|zstd) error/i;
// Browsers' words for a fetch that failed before any answer: Chromium, Firefox, Safari.
const BEFORE_ANSWER =
  /^(Failed to fetch|NetworkError when attempting to fetch resource\.?|Load failed)$/;
// Deno: "message head is too large". Only a server that began its answer can send one.
const HEAD_TOO_LARGE = /(message )?head(er)?s? (is |are )?too large/i;

/**
 * What `fetch` (or a read of its body) rejected with, as the exchange types transport failures:
 * by their `code` (`http/to-transport-error.ts`). Node's fetch puts the socket's code in the
 * `cause` (`TypeError: fetch failed` caused by `ECONNREFUSED`, `UND_ERR_SOCKET`, `ECONNRESET`)
 * and Bun on the error itself: those pass as they are. Browsers, Deno and workerd reject with a
 * bare `TypeError` (a network error, by the Fetch standard, names no reason): it gets the code
 * `LOOM_FETCH_FAILED`, and so becomes a `ConnectionError` rather than passing untyped, as an
 * error without a code (a bug) does. workerd fails a body cut mid-way with a plain
 * `Error: Network connection lost.`, and a header block too large with `Error: internal error;
 * reference = …`: the same. Anything else (an abort's reason) passes untouched.
 */
export function fetchFailure(
  error: unknown,
  runtime: RuntimeName = currentRuntime().name,
): unknown {
  if (hasCode(error) || !(error instanceof TypeError || isLostConnection(error))) return error;
  const message = innermostMessage(error) || "the network request failed";
  const code = NOT_DECODED.test(message)
    ? UNDECODABLE_BODY
    : HEAD_TOO_LARGE.test(message)
      ? HEADERS_TOO_LARGE
      : NOT_HTTP.test(message)
        ? BAD_RESPONSE
        : FETCH_FAILED;
  // A page's fetch says "Failed to fetch" alike for a server that is down and for one that
  // refused the page's origin: why, only the browser's console says.
  // Only a fetch that failed before any answer (Chromium's, Firefox's and Safari's words): a
  // body that broke off later ("network error") was answered, so no origin was refused.
  const hint =
    runtime === "browser" && BEFORE_ANSWER.test(message)
      ? "; a page's fetch says the same when the server refuses its origin (CORS): see the browser's console"
      : "";
  return Object.assign(new Error(`${message}${hint}`, { cause: error }), { code });
}

/**
 * workerd's plain `Error`s for a failure under a request or its body: a connection that broke,
 * and `internal error; reference = …` (what it says of a response whose header block is too
 * large, among others it does not name).
 */
function isLostConnection(error: unknown): error is Error {
  return (
    error instanceof Error &&
    error.name === "Error" &&
    /^(network connection lost\.?|internal error; reference = \w+)$/i.test(error.message)
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
