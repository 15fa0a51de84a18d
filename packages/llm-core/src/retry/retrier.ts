import { LLMError } from "@loom/llm-types";
import { decideRetry, isStaleSocket } from "./retry-decision.js";
import { sleep } from "./sleep.js";

/** One retry about to happen, for hooks and telemetry. */
export interface RetryInfo {
  /** The attempt that failed (1 for the first). */
  attempt: number;
  error: unknown;
  /** How long the wait before the next attempt is. */
  delayMs: number;
  reason: string;
}

export interface RetrierOptions {
  maxRetries: number;
  maxRetryDelayMs: number;
  /** Aborts the wait between attempts. */
  signal: AbortSignal | undefined;
  onRetry?: ((retry: RetryInfo) => void) | undefined;
}

/**
 * The retry state of one call: decides after each failed attempt, waits (abortably), and
 * counts attempts. Wraps the single-attempt request path of calls and streams alike.
 */
export class Retrier {
  /** Attempts made or under way. */
  attempts = 1;
  readonly #options: RetrierOptions;
  #retries = 0;
  #staleRetried = false;

  constructor(options: RetrierOptions) {
    this.#options = options;
  }

  /**
   * After a failed attempt: `true` once it is time for the next one, `false` if the error is
   * final (it then carries the attempt count). Throws the signal's reason if aborted while
   * waiting.
   */
  async retryAfter(error: unknown): Promise<boolean> {
    const options = this.#options;
    if (!this.#staleRetried && isStaleSocket(error)) {
      this.#staleRetried = true;
      options.onRetry?.({
        attempt: this.attempts,
        error,
        delayMs: 0,
        reason: "stale keep-alive socket",
      });
      this.attempts++;
      return true;
    }
    const decision = decideRetry({
      error,
      attempt: this.#retries + 1,
      maxRetries: options.maxRetries,
      maxRetryDelayMs: options.maxRetryDelayMs,
    });
    if (!decision.retry) {
      if (LLMError.isInstance(error)) (error as { attempts: number }).attempts = this.attempts;
      return false;
    }
    this.#retries++;
    options.onRetry?.({
      attempt: this.attempts,
      error,
      delayMs: decision.delayMs,
      reason: decision.reason,
    });
    await sleep(decision.delayMs, options.signal);
    this.attempts++;
    return true;
  }
}
