import { LLMError, type LLMErrorOptions } from "./llm-error.js";

export interface InvalidResponseErrorOptions extends LLMErrorOptions {
  /** The offending text (a body, an SSE line, tool arguments), truncated. */
  raw?: string | undefined;
}

/** The server's answer could not be understood: malformed JSON or SSE, a truncated stream. */
export class InvalidResponseError extends LLMError {
  static override readonly marker: symbol = Symbol.for("@loom/llm.error.InvalidResponseError");
  override readonly name: string = "InvalidResponseError";
  readonly raw: string | undefined;

  constructor(options: InvalidResponseErrorOptions) {
    super(options);
    this.raw = options.raw;
  }
}
