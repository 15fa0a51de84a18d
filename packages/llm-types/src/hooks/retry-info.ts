/** One retry about to happen, for hooks and telemetry. */
export interface RetryInfo {
  /** The attempt that failed (1 for the first). */
  readonly attempt: number;
  /** The typed error the attempt failed with. */
  readonly error: unknown;
  /** How long the wait before the next attempt is. */
  readonly delayMs: number;
  /** Why it is retried, in words (`RateLimitError, server asked for 2000 ms`). */
  readonly reason: string;
}
