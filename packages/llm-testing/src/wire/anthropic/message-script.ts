import type { ScriptedToolCall } from "../completion-body.js";
import type { AnthropicUsage } from "./anthropic-usage.js";

/** A thinking block of a scripted reply, with the signature the API sends with it. */
export interface ScriptedThinking {
  /** The thinking text: one string, or the pieces a stream sends it in. */
  text: string | readonly string[];
  /** The opaque `signature` that lets the block be sent back. */
  signature: string;
}

/** Why a Messages reply stopped: the documented values, or any other a server invents. */
export type AnthropicStopReason =
  | "end_turn"
  | "max_tokens"
  | "stop_sequence"
  | "tool_use"
  | "pause_turn"
  | "refusal"
  | "model_context_window_exceeded"
  | (string & {});

/** What an Anthropic Messages reply says: `messageBody` and `messageStream` frame the same script. */
export interface MessageOptions {
  /**
   * The answer's text: one string, or the pieces a stream sends it in; `null` (or `[]`) sends no
   * text block. @default "Hello!" (no text block when there are tool calls)
   */
  text?: string | readonly string[] | null;
  /** `thinking` blocks, before everything else. */
  thinking?: readonly ScriptedThinking[];
  /** `redacted_thinking` blocks (their opaque `data`), after the thinking blocks. */
  redactedThinking?: readonly string[];
  /** `tool_use` blocks, after the text; `id` defaults to `toolu_<n>`. */
  toolCalls?: readonly ScriptedToolCall[];
  /** @default "end_turn", or "tool_use" when there are tool calls */
  stopReason?: AnthropicStopReason;
  /** The `stop_sequence` that stopped the answer (with `stopReason: "stop_sequence"`). */
  stopSequence?: string;
  /** @default 10 input tokens, one output token per piece */
  usage?: AnthropicUsage;
  /** @default "msg_fake" */
  id?: string;
  /** @default "fake-model" */
  model?: string;
}

/** One content block of a scripted reply, its text already cut into the pieces a stream sends. */
export type ScriptedBlock =
  | { type: "thinking"; pieces: readonly string[]; signature: string }
  | { type: "redacted_thinking"; data: string }
  | { type: "text"; pieces: readonly string[] }
  | { type: "tool_use"; id: string; name: string; input: string };

/** The content blocks of a script, in the order the API sends them: thinking, text, tools. */
export function messageBlocks(options: MessageOptions): ScriptedBlock[] {
  const blocks: ScriptedBlock[] = [];
  for (const thinking of options.thinking ?? [])
    blocks.push({
      type: "thinking",
      pieces: asPieces(thinking.text),
      signature: thinking.signature,
    });
  for (const data of options.redactedThinking ?? [])
    blocks.push({ type: "redacted_thinking", data });
  const calls = options.toolCalls ?? [];
  const text =
    options.text === undefined ? (calls.length > 0 ? null : "Hello!") : (options.text ?? null);
  const pieces = text === null ? [] : asPieces(text);
  if (pieces.length > 0) blocks.push({ type: "text", pieces });
  calls.forEach((call, i) => {
    blocks.push({
      type: "tool_use",
      id: call.id ?? `toolu_${i + 1}`,
      name: call.name,
      input: typeof call.arguments === "string" ? call.arguments : JSON.stringify(call.arguments),
    });
  });
  return blocks;
}

/** The usage of a script: as given, or 10 input tokens and an output token per piece. */
export function scriptUsage(
  options: MessageOptions,
  blocks: readonly ScriptedBlock[],
): AnthropicUsage {
  if (options.usage !== undefined) return options.usage;
  const output = blocks.reduce(
    (sum, block) => sum + ("pieces" in block ? block.pieces.length : 1),
    0,
  );
  return { input: 10, output: Math.max(output, 1) };
}

/** The stop reason of a script: as given, or what the API says for such content. */
export function scriptStopReason(options: MessageOptions): string {
  return options.stopReason ?? ((options.toolCalls?.length ?? 0) > 0 ? "tool_use" : "end_turn");
}

function asPieces(text: string | readonly string[]): readonly string[] {
  return typeof text === "string" ? [text] : text;
}
