import { APIStatusError, ConnectionError, LLMError, TimeoutError } from "@loom/llm-types";
import { reachedServer } from "../http/reached-server.js";

/** Backoff without a server hint: full jitter from 500 ms, doubling, capped at 8 s. */
export const BACKOFF_BASE_MS = 500;
export const BACKOFF_CAP_MS = 8_000;

/** What `decideRetry` decides from: the failure and the state of the call so far. */
export interface RetryInput {
  error: unknown;
  /** Retries counted against `maxRetries` so far, plus one (1 after the first failure). */
  attempt: number;
  maxRetries: number;
  maxRetryDelayMs: number;
  /** Whether any part of the answer already came (a stream's chunk, handed on or not). */
  delivered: boolean;
  /** Whether the response had begun (its status line arrived) when the attempt failed. */
  responseStarted: boolean;
  /** Whether this call already had its free retry for a stale keep-alive socket. */
  staleRetried: boolean;
  /** A number in [0, 1): `Math.random`, injectable for tests. */
  random?: () => number;
}

/**
 * Whether to try again, after how long, and why. `free` retries (a stale keep-alive socket) do
 * not count against `maxRetries`.
 */
export type RetryDecision =
  | { retry: true; delayMs: number; reason: string; free: boolean }
  | { retry: false; reason: string };

/**
 * Every retry rule, in the order they apply:
 *
 * | rule | retried? |
 * |---|---|
 * | not an `LLMError` (a bug, a hook's own error) | no |
 * | part of the answer already came (a chunk, handed on or not) | no: it would be made, and billed, twice |
 * | a transport failure (reset, timeout) after the response began | no: the server may have acted on the request, and a resend could be billed twice |
 * | a keep-alive socket the server had closed (`UND_ERR_SOCKET`, before any response byte) | once, at once, free |
 * | `retryable: false`: 4xx, 501, an abort, a bad body, `x-should-retry: false` | no |
 * | `maxRetries` used up | no |
 * | the server's `Retry-After` over `maxRetryDelayMs` | no, the error carries `retryAfterMs` |
 * | the server's `Retry-After` | after exactly that |
 * | anything else retryable (408/409/429/5xx, `x-should-retry: true`, connection, timeout) | full-jitter backoff |
 *
 * Which statuses are retryable is decided once, when the error is built (`isRetryableStatus`,
 * plus `x-should-retry`), so `error.retryable` tells the caller the same thing this module acts on.
 */
export function decideRetry(input: RetryInput): RetryDecision {
  const { error, attempt } = input;
  if (!LLMError.isInstance(error)) return { retry: false, reason: "not an LLM error" };
  if (input.delivered) return { retry: false, reason: "part of the answer already came" };
  if (input.responseStarted && isTransportFailure(error))
    return {
      retry: false,
      reason: "the response was cut after it began: the server may have acted",
    };
  if (!input.staleRetried && isStaleSocket(error))
    return { retry: true, delayMs: 0, reason: "stale keep-alive socket", free: true };
  if (!error.retryable) return { retry: false, reason: `${error.name} is not retryable` };
  if (attempt > input.maxRetries)
    return { retry: false, reason: `no retries left (${input.maxRetries})` };
  const hint = APIStatusError.isInstance(error) ? error.retryAfterMs : undefined;
  if (hint !== undefined) {
    if (hint > input.maxRetryDelayMs) {
      return {
        retry: false,
        reason: `server asked to wait ${hint} ms, over maxRetryDelayMs (${input.maxRetryDelayMs})`,
      };
    }
    return {
      retry: true,
      delayMs: hint,
      reason: `${error.name}, server asked for ${hint} ms`,
      free: false,
    };
  }
  const ceiling = Math.min(BACKOFF_CAP_MS, BACKOFF_BASE_MS * 2 ** (attempt - 1));
  return {
    retry: true,
    delayMs: Math.floor((input.random ?? Math.random)() * ceiling),
    reason: error.name,
    free: false,
  };
}

/**
 * Whether a transport failure may be retried: any of them (refused, reset, timed out) as long
 * as no byte of the response had arrived (and so nothing reached the caller). Used when the
 * typed error is built, so `error.retryable` says so too.
 */
export function isRetryableTransportFailure(delivered: boolean, responseStarted: boolean): boolean {
  return !delivered && !responseStarted;
}

/** A failure of the connection or a timer, as opposed to an answer the server sent. */
function isTransportFailure(error: LLMError): boolean {
  return ConnectionError.isInstance(error) || TimeoutError.isInstance(error);
}

/**
 * A keep-alive socket the server closed while idle fails before any response byte with
 * `UND_ERR_SOCKET` ("other side closed"). That is not the server failing the request. A fresh
 * connection closed the same way after the request went out is not this case: the server read
 * the request (`reachedServer`).
 */
function isStaleSocket(error: LLMError): boolean {
  return (
    ConnectionError.isInstance(error) &&
    error.code === "UND_ERR_SOCKET" &&
    error.retryable &&
    !reachedServer(error)
  );
}
