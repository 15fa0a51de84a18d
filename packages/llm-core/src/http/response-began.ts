/**
 * Connection failures typed as coming after the response had begun (`toTransportError`: bytes
 * that are not HTTP, undici's "bad response", a status line cut short as the transport noted
 * it), whatever their code: the server was answering, so it had the request, and the gates
 * count it as sent (`mayHaveReachedServer`) though a code such as `UND_ERR_SOCKET` alone would
 * say otherwise. Each is an error made for one attempt, so noting the object is noting the
 * attempt.
 */
const BEGAN = new WeakSet<object>();

/** Notes that `error`, a typed failure of one attempt, came after the response had begun. */
export function noteResponseBegan(error: unknown): void {
  if (typeof error === "object" && error !== null) BEGAN.add(error);
}

/** Whether `error` was typed as coming after the response had begun. */
export function responseBeganBefore(error: unknown): boolean {
  return typeof error === "object" && error !== null && BEGAN.has(error);
}
