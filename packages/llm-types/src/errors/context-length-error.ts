import type { APIStatusErrorOptions } from "./api-status-error.js";
import { BadRequestError } from "./bad-request-error.js";

export interface ContextLengthErrorOptions extends APIStatusErrorOptions {
  /** Tokens in the rejected prompt, when the server said (llama.cpp `n_prompt_tokens`). */
  promptTokens?: number | undefined;
  /** The model's context window, when the server said (llama.cpp `n_ctx`). */
  contextWindow?: number | undefined;
}

/**
 * The prompt does not fit the model's context window. A subclass of `BadRequestError` so an
 * agent can catch exactly this, trim its history and try again.
 */
export class ContextLengthError extends BadRequestError {
  static override readonly marker: symbol = Symbol.for("@loom/llm.error.ContextLengthError");
  override readonly name: string = "ContextLengthError";
  readonly promptTokens: number | undefined;
  readonly contextWindow: number | undefined;

  constructor(options: ContextLengthErrorOptions) {
    super(options);
    this.promptTokens = options.promptTokens;
    this.contextWindow = options.contextWindow;
  }
}
