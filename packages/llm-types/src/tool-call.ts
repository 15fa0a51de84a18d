/** A call the model asked for, with its arguments parsed from the wire's JSON string. */
export interface ToolCall {
  /** Preserved end to end: the tool message answering it must carry the same id. */
  id: string;
  name: string;
  /** The parsed arguments (usually an object). */
  arguments: unknown;
  /** The arguments exactly as the server sent them. */
  rawArguments?: string;
}
