import type { TransportRequest } from "@loom/llm-types";

/**
 * What a transport knew of a request that failed, noted on the request it was given (one per
 * attempt), not on the error: one error object may end many requests (a signal's reason, the
 * reason `close()` gives a pool). The exchange reads the notes where it types the failure.
 *
 * - Never handed whole to a socket (queued, or cut before its last byte was given to the
 *   socket): a server cannot act on a request it did not receive whole, so the gates count it
 *   as unsent. undici says a request was sent once the socket took its last byte, which may
 *   still sit in the socket's buffer: a request cut after that counts as sent (the safe side,
 *   for a limit).
 * - Its response had begun (the first byte of a status line arrived) before the failure: the
 *   server was answering, so it is never resent, and the gates count it as sent.
 */
const UNSENT = new WeakSet<TransportRequest>();
const ANSWERING = new WeakSet<TransportRequest>();

/** The code of the failure of a request that waited `timeoutMs` for a free connection. */
export const QUEUE_TIMEOUT_CODE = "LOOM_QUEUE_TIMEOUT";

/** Notes that `request` failed without having been written whole. */
export function noteUnsent(request: TransportRequest): void {
  UNSENT.add(request);
}

/** Whether the transport noted `request` as never written whole. */
export function wasUnsent(request: TransportRequest): boolean {
  return UNSENT.has(request);
}

/** Notes that `request` failed after its response had begun. */
export function noteAnswering(request: TransportRequest): void {
  ANSWERING.add(request);
}

/** Whether the transport noted `request` as failed after its response had begun. */
export function wasAnswering(request: TransportRequest): boolean {
  return ANSWERING.has(request);
}
