import type { TextMasking, ToolCall } from "@loom/llm-types";
import type { StreamedText } from "../../shared/streamed-text.js";
import type { Json } from "../response/output-items.js";

/** A function call being assembled from its argument deltas. */
export interface StreamCall {
  /** Its place among the response's function calls: the `index` of its stream events. */
  readonly index: number;
  /** `call_id` and `name`, masked; "" until the server sent them. */
  callId: string;
  name: string;
  /** The arguments handed on so far, masked. */
  args: StreamedText;
  /** Masks the arguments as they stream, when the client has secrets to mask. */
  readonly masking: TextMasking | undefined;
  /** Its first `tool-call-delta` (the one with id and name) went out. */
  announced: boolean;
  /** The server's final arguments disagreed with its deltas and replaced them (`args`). */
  replaced?: boolean;
  /** Set once the call is complete and parsed. */
  toolCall: ToolCall | undefined;
}

/**
 * One output item of a streamed response, as its events built it: the item as added, what its
 * deltas carried (kept raw, to rebuild the item should its `output_item.done` never come), and
 * the item as done, which is the one the turn keeps.
 */
export interface StreamItem {
  /** The order it first appeared in: its place when the server sends no `output_index`. */
  readonly arrival: number;
  outputIndex: number | undefined;
  type: string;
  /** The item's `id` as sent: what its deltas name as `item_id`. */
  id: string | undefined;
  added: Json;
  /** Its `response.output_item.added` came (an item may begin with a delta instead). */
  announced: boolean;
  done: Json | undefined;
  /** Some delta (text, refusal, reasoning) came for it: its done item adds no text then. */
  streamed: boolean;
  readonly text: StreamedText;
  readonly refusal: StreamedText;
  /** Reasoning summaries and reasoning texts by their index. */
  readonly summary: StreamedText[];
  readonly content: StreamedText[];
  /** The arguments as they came, unmasked: only ever sent back to the server that sent them. */
  rawArgs: StreamedText;
  call: StreamCall | undefined;
}

/**
 * The item as the stream built it, for one whose `output_item.done` never came: the added item
 * with what its deltas carried, in the shape a done item has.
 */
export function assembledItem(item: StreamItem): Json {
  const out: Json = { ...item.added };
  switch (item.type) {
    case "message": {
      // An item known only from its deltas has no role: the API needs it to take the item back.
      out.role ??= "assistant";
      const parts: Json[] = [];
      const text = item.text.toString();
      const refusal = item.refusal.toString();
      if (text !== "") parts.push({ type: "output_text", text, annotations: [] });
      if (refusal !== "") parts.push({ type: "refusal", refusal });
      out.content = parts;
      break;
    }
    case "reasoning":
      out.summary = item.summary.map((text) => ({ type: "summary_text", text: text.toString() }));
      if (item.content.length > 0)
        out.content = item.content.map((text) => ({
          type: "reasoning_text",
          text: text.toString(),
        }));
      break;
    case "function_call":
      out.arguments = item.rawArgs.toString();
      break;
  }
  return out;
}
