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

/**
 * Whether a response with this status is worth retrying, absent an `x-should-retry` hint: a
 * timeout (408), a conflict (409), a rate limit (429), and any server error but 501 and 505,
 * which say the server will never do this (gateways' 520–524 and overloaded 529 included).
 */
export function isRetryableStatus(status: number): boolean {
  if (status === 408 || status === 409 || status === 429) return true;
  return status >= 500 && status < 600 && status !== 501 && status !== 505;
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
