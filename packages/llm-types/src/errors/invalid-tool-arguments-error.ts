import { LLMError, type LLMErrorOptions } from "./llm-error.js";

/** One schema violation, as zod reports it. */
export interface SchemaIssue {
  readonly path: readonly PropertyKey[];
  readonly message: string;
  readonly code?: string;
}

/** What a `InvalidToolArgumentsError` is built from. */
export interface InvalidToolArgumentsErrorOptions
  extends Omit<LLMErrorOptions, "message" | "retryable"> {
  toolName: string;
  toolCallId: string;
  rawArguments: string;
  issues: readonly SchemaIssue[];
}

/**
 * The model called a tool with arguments its zod schema rejects, or that are not JSON (cut off
 * by `max_tokens`, or garbled). Not thrown: it is set on the
 * `ToolCall` (`call.error`), so an agent loop can send `feedback` back to the model as the tool
 * result and let it try again.
 */
export class InvalidToolArgumentsError extends LLMError {
  static override readonly marker: symbol = Symbol.for("@loom/llm.error.InvalidToolArgumentsError");
  override readonly name: string = "InvalidToolArgumentsError";
  readonly toolName: string;
  readonly toolCallId: string;
  readonly rawArguments: string;
  readonly issues: readonly SchemaIssue[];

  constructor(options: InvalidToolArgumentsErrorOptions) {
    super({
      ...options,
      message: `Tool "${options.toolName}" was called with invalid arguments: ${describeIssues(options.issues)}`,
      retryable: false,
    });
    this.toolName = options.toolName;
    this.toolCallId = options.toolCallId;
    this.rawArguments = options.rawArguments;
    this.issues = options.issues;
  }

  /** The text to send back to the model as the tool's result. */
  get feedback(): string {
    return `Error: invalid arguments for tool "${this.toolName}": ${describeIssues(this.issues)}. Call it again with arguments that match its schema.`;
  }
}

/** `city: expected string; days: too big` */
function describeIssues(issues: readonly SchemaIssue[]): string {
  return issues
    .map(
      (issue) =>
        `${issue.path.length ? `${issue.path.map(String).join(".")}: ` : ""}${issue.message}`,
    )
    .join("; ");
}
