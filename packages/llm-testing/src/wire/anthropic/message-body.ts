import { messageUsage } from "./anthropic-usage.js";
import {
  type MessageOptions,
  messageBlocks,
  type ScriptedBlock,
  scriptStopReason,
  scriptUsage,
} from "./message-script.js";

/**
 * A whole Anthropic Messages reply (`POST /v1/messages` without `stream`), shaped as the API
 * sends it in 2026 (vercel/ai's recorded `anthropic-text.json`, `anthropic-tool-no-args.json`):
 * `thinking` blocks with their `signature`, `redacted_thinking`, `text`, `tool_use` with `input`
 * as an object (a scripted argument string that is not JSON is sent as that string, as a broken
 * server might), `stop_reason`, `stop_sequence` and `usage` with every cache counter. Fields the
 * official SDK types as nullable but the API leaves out (`container`, `stop_details`, `citations`,
 * `caller`) are left out.
 */
export function messageBody(options: MessageOptions = {}): Record<string, unknown> {
  const blocks = messageBlocks(options);
  const content = blocks.map(blockJson);
  return {
    model: options.model ?? "fake-model",
    id: options.id ?? "msg_fake",
    type: "message",
    role: "assistant",
    content,
    stop_reason: scriptStopReason(options),
    stop_sequence: options.stopSequence ?? null,
    usage: messageUsage(scriptUsage(options, blocks)),
  };
}

/** A content block as a whole message carries it. */
function blockJson(block: ScriptedBlock): Record<string, unknown> {
  switch (block.type) {
    case "thinking":
      return { type: "thinking", thinking: block.pieces.join(""), signature: block.signature };
    case "redacted_thinking":
      return { type: "redacted_thinking", data: block.data };
    case "text":
      return { type: "text", text: block.pieces.join("") };
    case "tool_use":
      return { type: "tool_use", id: block.id, name: block.name, input: parseInput(block.input) };
  }
}

/**
 * A call's `input` as the body holds it: its arguments parsed; none at all (`""`) is `{}`, as
 * the API sends a call without arguments and as a stream of the same script ends up; text
 * that is no JSON as it is (a broken server, for tests of the client's handling).
 */
function parseInput(input: string): unknown {
  if (input === "") return {};
  try {
    return JSON.parse(input);
  } catch {
    return input;
  }
}
