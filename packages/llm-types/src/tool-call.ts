import type { InvalidToolArgumentsError } from "./errors/invalid-tool-arguments-error.js";

/** A call the model asked for, with its arguments parsed from the wire's JSON string. */
export interface ToolCall {
  /** Preserved end to end: the tool message answering it must carry the same id. */
  id: string;
  name: string;
  /** The parsed arguments (usually an object). */
  arguments: unknown;
  /** The arguments exactly as the server sent them. */
  rawArguments?: string;
  /**
   * Set when the arguments are unusable: the tool's zod schema rejects them (`arguments` is then
   * the unvalidated JSON), or they are not JSON at all, cut by `max_tokens` or garbled
   * (`arguments` is then `undefined`; `rawArguments` holds what came). Send `error.feedback`
   * back as the tool result so the model can correct itself.
   */
  error?: InvalidToolArgumentsError;
  /**
   * The provider's own fields on the call (`extra_content` on the wire, e.g. Gemini's
   * `google.thought_signature`), sent back unchanged with the assistant turn, which the
   * provider requires.
   */
  extraContent?: Record<string, unknown>;
}
