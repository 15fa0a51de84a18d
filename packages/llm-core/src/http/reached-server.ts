/**
 * Connection failures typed as having reached the server whatever their code says: the
 * response had begun (bytes that are not HTTP, undici's "bad response", a status line cut
 * short as the transport noted it), or a fresh connection was closed after the request was
 * written to it (`isFreshSocketClose`). A code such as `UND_ERR_SOCKET` alone would say
 * "unsent, a stale keep-alive socket": for these, the retry rule gives no free resend and the
 * gates count the request as sent (`mayHaveReachedServer`). Each is an error made for one
 * attempt (`toTransportError`), so noting the object is noting the attempt.
 */
const REACHED = new WeakSet<object>();

/** Notes that `error`, a typed failure of one attempt, reached the server. */
export function noteReachedServer(error: object): void {
  REACHED.add(error);
}

/** Whether `error` was typed as having reached the server (see above). */
export function reachedServer(error: unknown): boolean {
  return typeof error === "object" && error !== null && REACHED.has(error);
}
