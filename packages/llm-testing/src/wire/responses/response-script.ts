import type { ScriptedToolCall } from "../completion-body.js";
import type { ResponsesUsage } from "./responses-usage.js";

/** The reasoning item of a scripted Responses reply. */
export interface ScriptedReasoning {
  /** The reasoning summary: one string, or the pieces a stream sends it in; none sends `summary: []`. */
  summary?: string | readonly string[];
  /** `encrypted_content`, as sent when the request includes `reasoning.encrypted_content`. */
  encryptedContent?: string;
}

/** What an OpenAI Responses reply says: `responseBody` and `responseStream` frame the same script. */
export interface ResponseOptions {
  /**
   * The answer's text: one string, or the pieces a stream sends it in; `null` (or `[]`) sends no
   * message item. @default "Hello!" (no message when there are tool calls)
   */
  text?: string | readonly string[] | null;
  /** A `reasoning` item, before the message. */
  reasoning?: ScriptedReasoning;
  /** `function_call` items, after the message; `id` is the `call_id` (default `call_<n>`). */
  toolCalls?: readonly ScriptedToolCall[];
  /** `incomplete` stops the answer short (the message item `incomplete` too). @default "completed" */
  status?: "completed" | "incomplete";
  /** `incomplete_details.reason` of an incomplete reply. @default "max_output_tokens" */
  incompleteReason?: "max_output_tokens" | "content_filter" | (string & {});
  /** `null` sends `usage: null`. @default 10 input tokens, one output token per piece */
  usage?: ResponsesUsage | null;
  /** @default "resp_fake" */
  id?: string;
  /** The message item's id. @default "msg_fake" */
  messageId?: string;
  /** @default "fake-model" */
  model?: string;
}

/** One output item of a scripted reply, its text already cut into the pieces a stream sends. */
export type ScriptedItem =
  | { type: "reasoning"; id: string; summary: readonly string[] | null; encryptedContent?: string }
  | { type: "message"; id: string; pieces: readonly string[] }
  | { type: "function_call"; id: string; callId: string; name: string; arguments: string };

/** The output items of a script, in the order the API sends them: reasoning, message, calls. */
export function responseItems(options: ResponseOptions): ScriptedItem[] {
  const items: ScriptedItem[] = [];
  if (options.reasoning !== undefined) {
    const summary = options.reasoning.summary;
    items.push({
      type: "reasoning",
      id: "rs_fake",
      summary: summary === undefined ? null : asPieces(summary),
      ...(options.reasoning.encryptedContent === undefined
        ? {}
        : { encryptedContent: options.reasoning.encryptedContent }),
    });
  }
  const calls = options.toolCalls ?? [];
  const text =
    options.text === undefined ? (calls.length > 0 ? null : "Hello!") : (options.text ?? null);
  const pieces = text === null ? [] : asPieces(text);
  if (pieces.length > 0)
    items.push({ type: "message", id: options.messageId ?? "msg_fake", pieces });
  calls.forEach((call, i) => {
    items.push({
      type: "function_call",
      id: `fc_${i + 1}`,
      callId: call.id ?? `call_${i + 1}`,
      name: call.name,
      arguments:
        typeof call.arguments === "string" ? call.arguments : JSON.stringify(call.arguments),
    });
  });
  return items;
}

/** The usage of a script: as given, or 10 input tokens and an output token per piece. */
export function itemsUsage(
  options: ResponseOptions,
  items: readonly ScriptedItem[],
): ResponsesUsage | null {
  if (options.usage !== undefined) return options.usage;
  const output = items.reduce(
    (sum, item) =>
      sum +
      (item.type === "message"
        ? item.pieces.length
        : item.type === "reasoning"
          ? item.summary?.length || 1
          : 1),
    0,
  );
  return { input: 10, output: Math.max(output, 1) };
}

function asPieces(text: string | readonly string[]): readonly string[] {
  return typeof text === "string" ? [text] : text;
}
