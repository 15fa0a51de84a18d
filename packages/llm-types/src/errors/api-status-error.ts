import { LLMError, type LLMErrorOptions } from "./llm-error.js";

export interface APIStatusErrorOptions extends LLMErrorOptions {
  /** HTTP status of the response. */
  status: number;
  /** The error body: parsed JSON when it was JSON, else the raw text (truncated). */
  body?: unknown;
  /** `error.type` from an OpenAI-style body, when present. */
  type?: string | undefined;
  /** `error.code` from an OpenAI-style body, when present. */
  code?: string | undefined;
  /** How long the server asked to wait (`retry-after-ms` or `Retry-After`), when it said. */
  retryAfterMs?: number | undefined;
}

// reliability.md: these statuses are worth another attempt; every other one is not.
const RETRYABLE_STATUSES: ReadonlySet<number> = new Set([408, 409, 429, 500, 502, 503, 504]);

/** Whether a response with this status is worth retrying, absent an `x-should-retry` hint. */
export function isRetryableStatus(status: number): boolean {
  return RETRYABLE_STATUSES.has(status);
}

/** The server answered with a non-2xx status. Base of every status-specific error. */
export class APIStatusError extends LLMError {
  static override readonly marker: symbol = Symbol.for("@loom/llm.error.APIStatusError");
  override readonly name: string = "APIStatusError";
  readonly status: number;
  readonly body: unknown;
  readonly type: string | undefined;
  readonly code: string | undefined;
  /** The wait the server asked for (429, 503), in milliseconds. */
  readonly retryAfterMs: number | undefined;

  constructor(options: APIStatusErrorOptions) {
    super({ ...options, retryable: options.retryable ?? isRetryableStatus(options.status) });
    this.status = options.status;
    this.body = options.body;
    this.type = options.type;
    this.code = options.code;
    this.retryAfterMs = options.retryAfterMs;
  }
}
