/**
 * Transport failures of requests the transport knows were never written whole to a socket:
 * queued behind busy connections, aborted before their turn, or cut while being written. A
 * server cannot act on a request it did not receive whole (its declared length unmet), so the
 * gates count such a request as not sent. The transport notes the error it throws; the
 * exchange's typing carries the note to the error it makes of it.
 */
const UNSENT = new WeakSet<object>();

/** The code of the failure of a request that waited `timeoutMs` for a free connection. */
export const QUEUE_TIMEOUT_CODE = "LOOM_QUEUE_TIMEOUT";

/** Notes that `error` ended a request never written whole. */
export function noteUnsent(error: unknown): void {
  if (typeof error === "object" && error !== null) UNSENT.add(error);
}

/** Whether `error` ended a request never written whole (see above). */
export function wasUnsent(error: unknown): boolean {
  return typeof error === "object" && error !== null && UNSENT.has(error);
}
