import type { ToolCall } from "@loom/llm-types";

type Json = Readonly<Record<string, unknown>>;

/**
 * A turn's native parts as they go back, each tool call part carrying the id its call was given.
 * A server that sent a call without an id (llama.cpp may send `""`) had one made up
 * (`parseToolCall`), and the tool result answering it names that one: the call part sent back
 * must name it too, or the provider refuses a result that answers no call. The call parts and
 * the turn's tool calls come from the same parts, in the same order. Parts with an id of their
 * own are sent as they came.
 */
export function withCallIds(
  parts: readonly Json[],
  type: string,
  key: string,
  calls: readonly ToolCall[] | undefined,
): Json[] {
  let index = 0;
  return parts.map((part) => {
    if (part.type !== type) return part;
    const call = calls?.[index++];
    const id = part[key];
    return (typeof id === "string" && id !== "") || call === undefined
      ? part
      : { ...part, [key]: call.id };
  });
}
