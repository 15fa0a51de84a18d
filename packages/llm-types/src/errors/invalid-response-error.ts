import type { LLMResponse } from "../llm-response.js";
import type { SchemaIssue } from "./invalid-tool-arguments-error.js";
import { LLMError, type LLMErrorOptions } from "./llm-error.js";

export interface InvalidResponseErrorOptions extends LLMErrorOptions {
  /** The offending text (a body, an SSE line, tool arguments), truncated. */
  raw?: string | undefined;
  /** Why the reply failed its schema, when it did. */
  issues?: readonly SchemaIssue[] | undefined;
  /** The response, when it arrived whole and only its reply could not be read. */
  response?: LLMResponse | undefined;
}

/** The server's answer could not be understood: malformed JSON or SSE, a truncated stream. */
export class InvalidResponseError extends LLMError {
  static override readonly marker: symbol = Symbol.for("@loom/llm.error.InvalidResponseError");
  override readonly name: string = "InvalidResponseError";
  readonly raw: string | undefined;
  readonly issues: readonly SchemaIssue[] | undefined;
  /**
   * The response as it arrived, when only its reply failed (not JSON, off its schema): its
   * usage and `costUsd` were paid for, and its content is there to inspect or repair.
   */
  readonly response: LLMResponse | undefined;

  constructor(options: InvalidResponseErrorOptions) {
    super(options);
    this.raw = options.raw;
    this.issues = options.issues;
    this.response = options.response;
  }
}
