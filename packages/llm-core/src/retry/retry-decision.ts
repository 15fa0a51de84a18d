import { APIStatusError, ConnectionError, LLMError } from "@loom/llm-types";

/** Backoff without a server hint (reliability.md): full jitter from 500 ms, doubling, capped at 8 s. */
export const BACKOFF_BASE_MS = 500;
export const BACKOFF_CAP_MS = 8_000;

/** What `decideRetry` decides from. */
export interface RetryInput {
  error: unknown;
  /** Attempts made so far, the failed one included (1 after the first). */
  attempt: number;
  maxRetries: number;
  maxRetryDelayMs: number;
  /** A number in [0, 1): `Math.random`, injectable for tests. */
  random?: () => number;
}

/** Whether to try again, after how long, and why. */
export type RetryDecision =
  | { retry: true; delayMs: number; reason: string }
  | { retry: false; reason: string };

/**
 * Whether and when to try again (reliability.md). Only errors marked `retryable` are retried:
 * connection errors, timeouts before anything reached the caller, 408/409/429/5xx (500, 502,
 * 503, 504) and `x-should-retry: true`; never a 4xx, an abort, or a stream that already
 * delivered a chunk. The server's wait comes first; past `maxRetryDelayMs` the caller is told
 * at once (the error carries `retryAfterMs`). Otherwise full-jitter exponential backoff.
 */
export function decideRetry(input: RetryInput): RetryDecision {
  const { error, attempt } = input;
  if (!LLMError.isInstance(error)) return { retry: false, reason: "not an LLM error" };
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
    return { retry: true, delayMs: hint, reason: `${error.name}, server asked for ${hint} ms` };
  }
  const ceiling = Math.min(BACKOFF_CAP_MS, BACKOFF_BASE_MS * 2 ** (attempt - 1));
  return {
    retry: true,
    delayMs: Math.floor((input.random ?? Math.random)() * ceiling),
    reason: error.name,
  };
}

/**
 * A keep-alive socket the server closed while idle fails before any response byte with
 * `UND_ERR_SOCKET` ("other side closed"). That is not the server failing the request: one
 * immediate retry on a fresh connection, outside the retry budget.
 */
export function isStaleSocket(error: unknown): boolean {
  return ConnectionError.isInstance(error) && error.code === "UND_ERR_SOCKET" && error.retryable;
}
