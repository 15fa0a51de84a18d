/**
 * undici reports a connection the server closed before any byte of the response as
 * `UND_ERR_SOCKET` ("other side closed"), whether the socket was a keep-alive one reused after
 * sitting idle (the server closed it as the request went out: it never read it, and a resend
 * is free) or a fresh one the server closed after reading the request, which it may have
 * acted on. undici attaches the socket's counters to its error: a socket that had read nothing
 * before (`bytesRead` 0) had carried no earlier response, so it was fresh, and one that had
 * written bytes had sent the request. Such a close is remembered here, by the typed error
 * built for it: the retry rule does not resend it for free, and the gates count it as sent.
 */
const FRESH_SOCKET_CLOSES = new WeakSet<object>();

/** The socket counters undici's `SocketError` carries (`util.getSocketInfo`). */
interface SocketInfo {
  readonly bytesRead?: unknown;
  readonly bytesWritten?: unknown;
}

/**
 * Remembers `error` (the typed error) as a fresh connection's close after the request was
 * written, when `failure` (undici's error) says so. A failure without counters is left alone:
 * undici throws one only where nothing was written (a socket already destroyed).
 */
export function noteFreshSocketClose(error: object, failure: { readonly socket?: unknown }): void {
  const socket = failure.socket as SocketInfo | null | undefined;
  if (typeof socket?.bytesRead !== "number" || typeof socket.bytesWritten !== "number") return;
  if (socket.bytesRead === 0 && socket.bytesWritten > 0) FRESH_SOCKET_CLOSES.add(error);
}

/** Whether `error` is a fresh connection closed after its request was written (see above). */
export function isFreshSocketClose(error: unknown): boolean {
  return typeof error === "object" && error !== null && FRESH_SOCKET_CLOSES.has(error);
}
