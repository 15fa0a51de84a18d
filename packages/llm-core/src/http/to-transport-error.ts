import type { ExchangeFacts } from "@loom/llm-types";
import {
  AbortError,
  ConfigError,
  ConnectionError,
  InvalidResponseError,
  LLMError,
  TimeoutError,
} from "@loom/llm-types";
import { isRetryableTransportFailure } from "../retry/retry-decision.js";
import { BAD_RESPONSE, HEADERS_TOO_LARGE, UNDECODABLE_BODY } from "../transport/fetch-failure.js";
import { OPAQUE_REDIRECT } from "../transport/opaque-redirect.js";
import { UNSUPPORTED_ENCODING } from "../transport/unsupported-encoding.js";
import { isFreshSocketClose } from "./fresh-socket-close.js";
import { noteReachedServer } from "./reached-server.js";
import { QUEUE_TIMEOUT_CODE } from "./request-marks.js";

// What each low-level failure means, in words a user can act on.
const CONNECTION_CODES: Readonly<Record<string, string>> = {
  ECONNREFUSED: "connection refused (is the server running?)",
  ECONNRESET: "connection reset by the server",
  EPIPE: "connection closed while sending",
  ENOTFOUND: "host not found (DNS)",
  EAI_AGAIN: "DNS lookup failed temporarily",
  EHOSTUNREACH: "host unreachable",
  ENETUNREACH: "network unreachable",
  ETIMEDOUT: "connection timed out",
  UND_ERR_SOCKET: "the server closed the connection",
  UND_ERR_CONNECT_TIMEOUT: "could not connect in time",
  UND_ERR_CLOSED: "the connection pool is closed",
  UND_ERR_DESTROYED: "the connection pool is closed",
  UND_ERR_RES_CONTENT_LENGTH_MISMATCH: "the response ended before its declared length",
  UND_ERR_HEADERS_OVERFLOW: "the response's header block was too large",
  ResponseHeadersTooLarge: "the response's header block was too large",
  LOOM_HEADERS_TOO_LARGE: "the response's header block was too large",
  // LOOM_FETCH_FAILED (a fetch failure naming no code) has none: its message says what failed.
};

/** Context for mapping a transport failure. */
export interface TransportContext {
  meta: ExchangeFacts;
  /** The signal the request was sent with: when it aborted, the failure is an abort. */
  signal: AbortSignal | undefined;
  /** Whether any part of the answer already reached the caller (then nothing is retryable). */
  delivered: boolean;
  /**
   * Whether the response had begun (status line received): a failure after that is not
   * resent, since the server may have acted on the request. @default false
   */
  responseStarted?: boolean;
}

/**
 * Maps whatever the transport threw (undici, the runtime's fetch, the socket) to Loom's typed
 * errors. An error that is already an `LLMError` passes through; an aborted signal wins over the
 * error it caused (undici and fetch report an abort in several ways), and a timeout that fired
 * as an abort carries its own `TimeoutError`. Anything without an error code is not a transport
 * failure (a bug, say) and passes through untouched rather than disguised as a retryable
 * connection error: the fetch transport gives fetch's bare `TypeError`s a code
 * (`transport/fetch-failure.ts`) for that reason.
 */
export function toTransportError(error: unknown, context: TransportContext): unknown {
  const { meta, signal } = context;
  const where = { provider: meta.provider, model: meta.model, requestId: meta.requestId };
  if (signal?.aborted) {
    const reason: unknown = signal.reason;
    if (LLMError.isInstance(reason)) return reason;
    return new AbortError({ ...where, message: `${meta.request} was aborted`, cause: reason });
  }
  if (LLMError.isInstance(error)) return error;
  const parser = parserError(error);
  if (parser !== undefined) {
    // Bytes that are not HTTP: a response had begun. No `cause`: the parser keeps them raw (in
    // undici's error, or in the cause of Node's fetch `TypeError: terminated`).
    return new InvalidResponseError({
      ...where,
      message: `${meta.request}: the response is not valid HTTP (${parser.code ?? "parse error"}: ${parser.message}); not resent, since the server may have acted on it`,
    });
  }
  const failure = codedError(error);
  const code = failure?.code;
  // These failures mean bytes of a response arrived, whatever undici resolved or not.
  const started = (context.responseStarted ?? false) || responseBegan(failure);
  const retryable = isRetryableTransportFailure(context.delivered, started);
  // Said in the message, since it decides what the caller may do next.
  const cut = started
    ? " after the response began; not resent, since the server may have acted on it"
    : "";
  if (code === "UND_ERR_HEADERS_TIMEOUT") {
    // Part of a status line or header block may have come: then the server was answering.
    return new TimeoutError({
      ...where,
      timeoutMs: meta.timeoutMs,
      phase: "headers",
      message: started
        ? `${meta.request}: the response's headers did not arrive in full within ${meta.timeoutMs} ms${cut}`
        : `${meta.request}: no response within ${meta.timeoutMs} ms`,
      retryable,
      cause: error,
    });
  }
  if (code === QUEUE_TIMEOUT_CODE) {
    return new TimeoutError({
      ...where,
      timeoutMs: meta.timeoutMs,
      phase: "headers",
      message: `${meta.request}: ${(error as Error).message}`,
    });
  }
  if (code === "UND_ERR_BODY_TIMEOUT") {
    return new TimeoutError({
      ...where,
      timeoutMs: meta.timeoutMs,
      phase: "idle",
      message: `${meta.request}: no data for ${meta.timeoutMs} ms while reading the response${cut}`,
      retryable,
      cause: error,
    });
  }
  if (code === undefined && (error as { name?: unknown } | null)?.name === "TimeoutError") {
    // A DOMException from `AbortSignal.timeout()` inside a transport: which wait it bounded is
    // not said, so it is told by whether the response had begun.
    return new TimeoutError({
      ...where,
      timeoutMs: meta.timeoutMs,
      phase: started ? "idle" : "headers",
      message: started
        ? `${meta.request}: the transport timed out while reading the response${cut}`
        : `${meta.request}: the transport timed out before the response`,
      retryable,
      cause: error,
    });
  }
  if (code === "UND_ERR_ABORTED" || (error as { name?: unknown } | null)?.name === "AbortError") {
    return new AbortError({ ...where, message: `${meta.request} was aborted`, cause: error });
  }
  if (code === undefined) return error;
  if (INVALID_REQUEST.has(code)) {
    // Refused before it went (a header a hook set with a line break in it, say): it never
    // will go, so it is no connection failure to retry.
    return new ConfigError({
      ...where,
      message: `${meta.request} could not be sent: the transport refused the request as given (${code}: ${(error as { message?: unknown }).message}); a header or option of it is invalid`,
    });
  }
  if (code === UNSUPPORTED_ENCODING || code === OPAQUE_REDIRECT) {
    // A body in a coding the transport does not decode, or a redirect a browser will not show:
    // the response had begun.
    return new InvalidResponseError({
      ...where,
      message: `${meta.request}: ${(error as Error).message}`,
    });
  }
  if (
    code.startsWith("Z_") ||
    code.startsWith("ERR_ZLIB") ||
    code === "ERR__ERROR" ||
    code === "ZlibError" ||
    code.endsWith("DecompressionError") ||
    code === UNDECODABLE_BODY
  ) {
    // A compressed body (from a proxy) that does not decode: Node's zlib codes (undici's
    // decoding, or Node's fetch), or Bun's fetch (`ZlibError`, `BrotliDecompressionError`,
    // `ZstdDecompressionError`).
    return new InvalidResponseError({
      ...where,
      message: `${meta.request}: the response body could not be decoded (${code}: ${(error as Error).message})`,
      cause: error,
    });
  }
  const description =
    CONNECTION_CODES[code] ??
    ((error as { message?: unknown } | null)?.message as string | undefined) ??
    "connection failed";
  const connection = new ConnectionError({
    ...where,
    message: `${meta.request} failed: ${description} (${code})${cut}`,
    code,
    retryable,
    cause: error,
  });
  // No free resend, and the gates count it as sent, whatever its code says otherwise.
  if (
    started ||
    (code === "UND_ERR_SOCKET" && failure !== undefined && isFreshSocketClose(failure))
  )
    noteReachedServer(connection);
  return connection;
}

/** Failures of a request that cannot be sent as it is (undici's and Node's checks of it). */
const INVALID_REQUEST: ReadonlySet<string> = new Set([
  "UND_ERR_INVALID_ARG",
  "ERR_INVALID_CHAR",
  "ERR_HTTP_INVALID_HEADER_VALUE",
  "ERR_INVALID_HTTP_TOKEN",
]);

/** Failures that can only happen once part of a response was read: undici's, Bun's, Deno's. */
const AFTER_RESPONSE_BYTES: ReadonlySet<string> = new Set([
  "UND_ERR_HEADERS_OVERFLOW",
  "ResponseHeadersTooLarge",
  HEADERS_TOO_LARGE,
  "UND_ERR_RES_CONTENT_LENGTH_MISMATCH",
  "UND_ERR_RES_EXCEEDED_MAX_SIZE",
  "UND_ERR_INFO",
]);

function responseBegan(failure: CodedError | undefined): boolean {
  if (failure === undefined) return false;
  if (AFTER_RESPONSE_BYTES.has(failure.code)) return true;
  // An unsolicited `100 Continue` or a malformed status: the server answered something. The
  // message of the error with the code: Node's fetch wraps it in `TypeError: fetch failed`.
  const message = failure.message;
  return (
    failure.code === "UND_ERR_SOCKET" && (message === "bad response" || message === "bad upgrade")
  );
}

/** An error with a code: what the code says, and the words that came with it. */
interface CodedError {
  readonly code: string;
  readonly message?: unknown;
  /** undici's socket counters, on its `SocketError`. */
  readonly socket?: unknown;
}

/**
 * The error that carries the code, looking inside the AggregateError Node raises when every
 * address failed, and down the `cause` chain (Node's fetch reports the socket's failure there).
 */
function codedError(error: unknown): CodedError | undefined {
  const e = error as { code?: unknown; errors?: unknown[]; cause?: unknown } | null;
  if (typeof e?.code === "string") return e as CodedError;
  const inner = e?.errors?.[0] ?? e?.cause;
  return inner !== undefined && inner !== error ? codedError(inner) : undefined;
}

/** llhttp's error (code `HPE_…`) in the error or its cause chain, with the parser's words. */
function parserError(error: unknown): { code?: string; message: string } | undefined {
  for (let e = error as { code?: unknown; name?: unknown; cause?: unknown } | null, depth = 0; ; ) {
    if (e === null || typeof e !== "object") return undefined;
    const code = typeof e.code === "string" ? e.code : undefined;
    // llhttp's `HPE_…` (undici, Node's fetch), Bun's `Malformed_HTTP_Response`, and the code
    // `fetchFailure` gives a runtime's words for it (Deno's hyper).
    if (
      code?.startsWith("HPE_") ||
      code === "Malformed_HTTP_Response" ||
      code === BAD_RESPONSE ||
      e.name === "HTTPParserError"
    ) {
      const message = (e as { message?: unknown }).message;
      return { ...(code === undefined ? {} : { code }), message: String(message) };
    }
    if (++depth > 5 || e.cause === e) return undefined;
    e = e.cause as typeof e;
  }
}
