import { APIStatusError, type APIStatusErrorOptions } from "./api-status-error.js";

/** What a `RateLimitError` is built from. */
export type RateLimitErrorOptions = APIStatusErrorOptions;

/** HTTP 429: too many requests or tokens; `retryAfterMs` says when to try again if known. */
export class RateLimitError extends APIStatusError {
  static override readonly marker: symbol = Symbol.for("@loom/llm.error.RateLimitError");
  override readonly name: string = "RateLimitError";
}
