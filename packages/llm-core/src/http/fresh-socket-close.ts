/**
 * undici reports a connection the server closed before any byte of the response as
 * `UND_ERR_SOCKET` ("other side closed"), whether the socket was a keep-alive one reused after
 * sitting idle (the server closed it as the request went out: it never read it, and a resend
 * is free) or a fresh one the server closed after reading the request, which it may have
 * acted on. undici attaches the socket's counters to its error: a socket that had read nothing
 * before (`bytesRead` 0) had carried no earlier response, so it was fresh, and one that had
 * written bytes had sent the request.
 */

/** The socket counters undici's `SocketError` carries (`util.getSocketInfo`). */
interface SocketInfo {
  readonly bytesRead?: unknown;
  readonly bytesWritten?: unknown;
}

/**
 * Whether `failure` (undici's error) closed a fresh connection after the request was written.
 * A failure without counters is not: undici throws one only where nothing was written (a
 * socket already destroyed).
 */
export function isFreshSocketClose(failure: { readonly socket?: unknown }): boolean {
  const socket = failure.socket as SocketInfo | null | undefined;
  if (typeof socket?.bytesRead !== "number" || typeof socket.bytesWritten !== "number")
    return false;
  return socket.bytesRead === 0 && socket.bytesWritten > 0;
}
