/**
 * Transport failures after which the transport knows a byte of the response had arrived, though
 * the response never reached the exchange: undici's parser saw the start of a status line, then
 * the connection closed, was reset or stalled before the header block ended. The server was
 * answering, so it had the request: such a failure is never resent, and the gates count it as
 * sent. The transport notes the error it throws; the exchange asks when it types it.
 */
const BEGAN = new WeakSet<object>();

/** Notes that `error`, a transport's failure, came after the response had begun. */
export function noteResponseBegan(error: unknown): void {
  if (typeof error === "object" && error !== null) BEGAN.add(error);
}

/** Whether the transport noted `error` as coming after the response had begun. */
export function responseBeganBefore(error: unknown): boolean {
  return typeof error === "object" && error !== null && BEGAN.has(error);
}
