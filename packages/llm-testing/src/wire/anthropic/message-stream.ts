import type { SseItem, SseReply } from "../../fake-server/fake-reply.js";
import { namedEvent as event } from "../named-event.js";
import { type AnthropicErrorType, anthropicErrorEvent } from "./anthropic-error.js";
import { deltaUsage, messageUsage } from "./anthropic-usage.js";
import {
  type MessageOptions,
  messageBlocks,
  scriptStopReason,
  scriptUsage,
} from "./message-script.js";

/** Options for messageStream: the script, and how the stream frames it. */
export interface MessageStreamOptions extends MessageOptions {
  /** Send `event: ping` after the first block starts, as the API does. @default true */
  ping?: boolean;
  /** Characters per `input_json_delta` (after the empty first one the API sends). @default 12 */
  argumentPieceSize?: number;
  /**
   * `usage` of `message_delta`: every counter (`"cumulative"`, the API since 2025) or
   * `output_tokens` alone (`"output"`, older versions and llama.cpp). @default "cumulative"
   */
  deltaUsage?: "cumulative" | "output";
  /**
   * Break off with an `event: error` after the content (the last block left open, no
   * `message_delta` or `message_stop`), as the API does when it is overloaded mid-answer.
   */
  error?: { type: AnthropicErrorType; message: string };
  /** Milliseconds between events. */
  delayMs?: number;
}

/**
 * A streamed Anthropic Messages reply, framed as the API frames it (the documented event flow and
 * vercel/ai's recorded `anthropic-text.chunks.txt`, `anthropic-clear-thinking.1.chunks.txt`):
 * named events (`event: message_start` ...), `message_start` with the message and early usage;
 * for each block `content_block_start`, its deltas (`thinking_delta` then one `signature_delta`,
 * `text_delta`, `input_json_delta` in pieces after an empty one, none for `redacted_thinking`)
 * and `content_block_stop`; then `message_delta` with the stop reason and usage, and
 * `message_stop`. No `[DONE]`: Anthropic sends none.
 */
export function messageStream(options: MessageStreamOptions = {}): SseReply {
  const blocks = messageBlocks(options);
  const usage = scriptUsage(options, blocks);
  const size = Math.max(1, options.argumentPieceSize ?? 12);
  const events: SseItem[] = [
    event({
      type: "message_start",
      message: {
        model: options.model ?? "fake-model",
        id: options.id ?? "msg_fake",
        type: "message",
        role: "assistant",
        content: [],
        stop_reason: null,
        stop_sequence: null,
        usage: messageUsage(usage, 1),
      },
    }),
  ];
  const ping = () => {
    if (options.ping ?? true) events.push(event({ type: "ping" }));
  };
  if (blocks.length === 0) ping();
  blocks.forEach((block, index) => {
    const delta = (payload: object) =>
      events.push(event({ type: "content_block_delta", index, delta: payload }));
    switch (block.type) {
      case "thinking":
        start(events, index, { type: "thinking", thinking: "", signature: "" });
        if (index === 0) ping();
        for (const thinking of block.pieces) delta({ type: "thinking_delta", thinking });
        delta({ type: "signature_delta", signature: block.signature });
        break;
      case "redacted_thinking":
        start(events, index, { type: "redacted_thinking", data: block.data });
        if (index === 0) ping();
        break;
      case "text":
        start(events, index, { type: "text", text: "" });
        if (index === 0) ping();
        for (const text of block.pieces) delta({ type: "text_delta", text });
        break;
      case "tool_use":
        start(events, index, { type: "tool_use", id: block.id, name: block.name, input: {} });
        if (index === 0) ping();
        delta({ type: "input_json_delta", partial_json: "" });
        for (let i = 0; i < block.input.length; i += size)
          delta({ type: "input_json_delta", partial_json: block.input.slice(i, i + size) });
        break;
    }
    if (options.error === undefined || index < blocks.length - 1)
      events.push(event({ type: "content_block_stop", index }));
  });
  if (options.error !== undefined) {
    events.push(anthropicErrorEvent(options.error.type, options.error.message));
  } else {
    events.push(
      event({
        type: "message_delta",
        delta: {
          stop_reason: scriptStopReason(options),
          stop_sequence: options.stopSequence ?? null,
        },
        usage: deltaUsage(usage, options.deltaUsage ?? "cumulative"),
      }),
      event({ type: "message_stop" }),
    );
  }
  const delayed = options.delayMs
    ? events.flatMap((item) => [{ delayMs: options.delayMs ?? 0 }, item])
    : events;
  return { type: "sse", events: delayed, done: false };
}

function start(events: SseItem[], index: number, block: object): void {
  events.push(event({ type: "content_block_start", index, content_block: block }));
}
