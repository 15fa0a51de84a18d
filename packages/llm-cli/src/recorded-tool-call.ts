import type { ToolCall } from "@loom/llm-types";

/** A recorded tool call as the client's own, its arguments parsed and kept as they were written. */
export function recordedToolCall(id: string, name: string, rawArguments: string): ToolCall {
  let parsed: unknown;
  try {
    parsed = JSON.parse(rawArguments);
  } catch {
    // Arguments a model got wrong are part of the conversation: replayed as they were sent.
    parsed = undefined;
  }
  return { id, name, arguments: parsed, rawArguments };
}
