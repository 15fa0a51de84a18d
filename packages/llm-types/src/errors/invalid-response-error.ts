import type { SchemaIssue } from "./invalid-tool-arguments-error.js";
import { LLMError, type LLMErrorOptions } from "./llm-error.js";

export interface InvalidResponseErrorOptions extends LLMErrorOptions {
  /** The offending text (a body, an SSE line, tool arguments), truncated. */
  raw?: string | undefined;
  /** Why the reply failed its schema, when it did. */
  issues?: readonly SchemaIssue[] | undefined;
}

/** The server's answer could not be understood: malformed JSON or SSE, a truncated stream. */
export class InvalidResponseError extends LLMError {
  static override readonly marker: symbol = Symbol.for("@loom/llm.error.InvalidResponseError");
  override readonly name: string = "InvalidResponseError";
  readonly raw: string | undefined;
  readonly issues: readonly SchemaIssue[] | undefined;

  constructor(options: InvalidResponseErrorOptions) {
    super(options);
    this.raw = options.raw;
    this.issues = options.issues;
  }
}
