import { APIStatusError, type APIStatusErrorOptions } from "./api-status-error.js";

export interface RateLimitErrorOptions extends APIStatusErrorOptions {
  /** How long the server asked to wait (`retry-after-ms` or `Retry-After`), when it said. */
  retryAfterMs?: number | undefined;
}

/** HTTP 429: too many requests or tokens; `retryAfterMs` says when to try again if known. */
export class RateLimitError extends APIStatusError {
  static override readonly marker: symbol = Symbol.for("@loom/llm.error.RateLimitError");
  override readonly name: string = "RateLimitError";
  readonly retryAfterMs: number | undefined;

  constructor(options: RateLimitErrorOptions) {
    super(options);
    this.retryAfterMs = options.retryAfterMs;
  }
}
