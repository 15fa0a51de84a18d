import { AbortError, ConnectionError, TimeoutError } from "@loom/llm-types";
import { reachedServer } from "../http/reached-server.js";

/**
 * Connection failures that leave the request unsent: no connection was made (refused, no such
 * host, unreachable, not in time), the pool was closed, or (`UND_ERR_SOCKET`, before any
 * response byte) a keep-alive socket the server had closed while idle, which the retry rule
 * also takes as unsent: not a fresh connection closed after the request was written, nor a
 * close after part of a response (`reachedServer`).
 */
const NEVER_SENT = new Set([
  "ECONNREFUSED",
  "ENOTFOUND",
  "EAI_AGAIN",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "UND_ERR_CONNECT_TIMEOUT",
  "UND_ERR_CLOSED",
  "UND_ERR_DESTROYED",
  "UND_ERR_SOCKET",
]);

/**
 * Whether an attempt that failed before the status line may still have reached the server, as
 * the gates are told (`GateOutcome.sent`): a rate limit must count such a request, since the
 * provider may have. A timeout or an abort while the request was out, or a connection that
 * failed after it was made, may have; a connection never made, and a failure of Loom's own
 * before sending (a hook, a check), did not.
 */
export function mayHaveReachedServer(error: unknown): boolean {
  if (TimeoutError.isInstance(error) || AbortError.isInstance(error)) return true;
  if (ConnectionError.isInstance(error))
    return error.code === undefined || !NEVER_SENT.has(error.code) || reachedServer(error);
  return false;
}
