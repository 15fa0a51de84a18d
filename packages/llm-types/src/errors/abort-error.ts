import { LLMError, type LLMErrorOptions } from "./llm-error.js";

/** What a `AbortError` is built from. */
export interface AbortErrorOptions extends Omit<LLMErrorOptions, "message" | "retryable"> {
  message?: string | undefined;
}

/** The caller's signal aborted the call. Never retried: the caller asked for it to stop. */
export class AbortError extends LLMError {
  static override readonly marker: symbol = Symbol.for("@loom/llm.error.AbortError");
  override readonly name: string = "AbortError";

  constructor(options: AbortErrorOptions = {}) {
    super({ ...options, message: options.message ?? "The call was aborted", retryable: false });
  }
}
