import { LLMError, type LLMErrorOptions } from "./llm-error.js";

export interface ConnectionErrorOptions extends LLMErrorOptions {
  /** The system or undici error code: `ECONNREFUSED`, `ECONNRESET`, `ENOTFOUND`, `UND_ERR_SOCKET`. */
  code?: string | undefined;
}

/** The server could not be reached or dropped the connection. Retryable by default. */
export class ConnectionError extends LLMError {
  static override readonly marker: symbol = Symbol.for("@loom/llm.error.ConnectionError");
  override readonly name: string = "ConnectionError";
  readonly code: string | undefined;

  constructor(options: ConnectionErrorOptions) {
    super({ ...options, retryable: options.retryable ?? true });
    this.code = options.code;
  }
}
