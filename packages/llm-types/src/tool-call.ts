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
   * Set when the tool's zod schema rejects the arguments; `arguments` is then the unvalidated
   * JSON. Send `error.feedback` back as the tool result so the model can correct itself.
   */
  error?: InvalidToolArgumentsError;
}
