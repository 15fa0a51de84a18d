import { LLMError, type RetryInfo } from "@loom/llm-types";
import { decideRetry } from "./retry-decision.js";
import { sleep } from "./sleep.js";

/** How far the failed attempt got: whether its response had begun, whether any of it was handed on. */
export interface AttemptProgress {
  responseStarted: boolean;
  delivered: boolean;
}

export interface RetrierOptions {
  maxRetries: number;
  maxRetryDelayMs: number;
  /** Aborts the wait between attempts. */
  signal: AbortSignal | undefined;
  /**
   * When the call's `deadlineMs` passes (`performance.now()`): a wait that would end past it is
   * not begun, and the error stands as it is (a 429 that asked for 30 s, with 2 s left).
   */
  deadline?: number | undefined;
  onRetry?: ((retry: RetryInfo) => void) | undefined;
}

/**
 * The retry state of one call: asks `decideRetry` after each failed attempt, waits (abortably),
 * and counts attempts. Wraps the single-attempt request path of calls and streams alike.
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
  async retryAfter(error: unknown, progress: AttemptProgress): Promise<boolean> {
    const options = this.#options;
    const decision = decideRetry({
      error,
      attempt: this.#retries + 1,
      maxRetries: options.maxRetries,
      maxRetryDelayMs: options.maxRetryDelayMs,
      delivered: progress.delivered,
      responseStarted: progress.responseStarted,
      staleRetried: this.#staleRetried,
    });
    // A wait past the deadline ends in the deadline's TimeoutError, which says less than the
    // error itself, is not retryable, and so would stop `withFallback` from moving on.
    const late =
      decision.retry &&
      options.deadline !== undefined &&
      performance.now() + decision.delayMs > options.deadline;
    if (!decision.retry || late) {
      if (LLMError.isInstance(error)) (error as { attempts: number }).attempts = this.attempts;
      return false;
    }
    if (decision.free) this.#staleRetried = true;
    else this.#retries++;
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
