import type { Message, ToolCall } from "@loom/llm-types";
import { recordedToolCall } from "./recorded-tool-call.js";
import {
  type RecordedAnswer,
  type RecordedProtocol,
  recordedUsage,
  tokens,
} from "./recorded-turn.js";
import { ssePayloads } from "./sse-payloads.js";
import {
  array,
  isObject,
  type Json,
  Malformed,
  object,
  optional,
  string,
  textOf,
} from "./transcript-fields.js";

/**
 * Exchanges with Anthropic's Messages API (`POST /v1/messages`). Not OpenAI's Assistants
 * `POST /v1/threads/{id}/messages`, whose path ends the same way but holds no conversation.
 */
export const recordedMessagesTurn: RecordedProtocol = {
  endpoint: (path) => path.endsWith("/messages") && !/\/threads\/[^/]+\/messages$/.test(path),
  messages: messagesOf,
  answer: answerOf,
};

/** A content block, its `type` read: what it is decides which message it belongs to. */
interface Block {
  type: string;
  block: Json;
  field: string;
}

/**
 * The request as messages: the top-level `system` first (Anthropic has no system role), then
 * each turn; a user turn's `tool_result` blocks are tool messages of their own.
 */
function messagesOf(body: Json): Message[] {
  const system = textOf(body.system, "request.body.system");
  const messages: Message[] = system === "" ? [] : [{ role: "system", content: system }];
  for (const [i, turn] of array(body.messages, "request.body.messages").entries())
    messages.push(...turnOf(turn, `request.body.messages[${i}]`));
  return messages;
}

function turnOf(value: unknown, field: string): Message[] {
  const turn = object(value, field, "a message object");
  const role = string(turn.role, `${field}.role`);
  const content = turn.content;
  if (content === undefined || content === null || typeof content === "string") {
    const text = content ?? "";
    return [
      role === "assistant" ? { role: "assistant", content: text } : { role: "user", content: text },
    ];
  }
  if (!Array.isArray(content))
    throw new Malformed(`${field}.content`, "a string or an array of content blocks", content);
  const blocks = content.map((block: unknown, i): Block => {
    const at = `${field}.content[${i}]`;
    const read = object(block, at, "a content block object");
    return { type: string(read.type, `${at}.type`), block: read, field: at };
  });
  return role === "assistant" ? [assistantOf(blocks)] : userTurnOf(blocks);
}

/**
 * An assistant turn: its text and its tool calls. Thinking is left out: its signature is only
 * good for the same protocol, and the replayed provider may speak another.
 */
function assistantOf(blocks: readonly Block[]): Message {
  let text = "";
  const toolCalls: ToolCall[] = [];
  for (const { type, block, field } of blocks) {
    if (type === "text" && typeof block.text === "string") text += block.text;
    else if (type === "tool_use") {
      const id = optional(block.id, `${field}.id`) ?? "";
      const name = string(block.name, `${field}.name`);
      // `input` is an object on the wire; a string is arguments a client sent as they came.
      const raw = typeof block.input === "string" ? block.input : JSON.stringify(block.input ?? {});
      toolCalls.push(recordedToolCall(id, name, raw));
    }
  }
  return toolCalls.length > 0
    ? { role: "assistant", content: text, toolCalls }
    : { role: "assistant", content: text };
}

/**
 * A user turn: each `tool_result` a tool message, the blocks between them (text; images carry
 * none) a user message, in their order. Clients send tool results and the user's next words in
 * one turn, since Anthropic wants user and assistant turns to alternate.
 */
function userTurnOf(blocks: readonly Block[]): Message[] {
  const messages: Message[] = [];
  let user: { role: "user"; content: string } | undefined;
  for (const { type, block, field } of blocks) {
    if (type === "tool_result") {
      user = undefined;
      messages.push({
        role: "tool",
        toolCallId: optional(block.tool_use_id, `${field}.tool_use_id`) ?? "",
        content: textOf(block.content, `${field}.content`),
      });
      continue;
    }
    if (user === undefined) {
      user = { role: "user", content: "" };
      messages.push(user);
    }
    if (type === "text" && typeof block.text === "string") user.content += block.text;
  }
  return messages;
}

/** The recorded answer: a message body, or the text of a stream's events. */
function answerOf(body: string): RecordedAnswer {
  let whole: unknown;
  try {
    whole = JSON.parse(body);
  } catch {
    return streamAnswerOf(body);
  }
  if (!isObject(whole)) return { content: "", usage: undefined };
  const blocks = Array.isArray(whole.content) ? whole.content : [];
  const content = blocks
    .map((block: unknown) =>
      isObject(block) && block.type === "text" && typeof block.text === "string" ? block.text : "",
    )
    .join("");
  return { content, usage: isObject(whole.usage) ? usageOf(whole.usage) : undefined };
}

/**
 * A stream's answer: the text of its `text_delta`s (thinking is not the answer), and its usage
 * as `message_start` began it and each `message_delta` updated it (the output count alone, or
 * every counter, as the API has sent them since 2025).
 */
function streamAnswerOf(body: string): RecordedAnswer {
  let content = "";
  let usage: Json | undefined;
  for (const event of ssePayloads(body)) {
    const reported =
      event.type === "message_start" && isObject(event.message)
        ? event.message.usage
        : event.type === "message_delta"
          ? event.usage
          : undefined;
    if (isObject(reported)) {
      usage ??= {};
      for (const [name, count] of Object.entries(reported))
        if (typeof count === "number") usage[name] = count;
    }
    const delta = event.type === "content_block_delta" ? event.delta : undefined;
    if (isObject(delta) && delta.type === "text_delta" && typeof delta.text === "string")
      content += delta.text;
  }
  return { content, usage: usage === undefined ? undefined : usageOf(usage) };
}

/**
 * Anthropic's `usage`: `input_tokens` counts only the input after the last cache breakpoint, so
 * the whole prompt is it plus the tokens read from the cache and written to it.
 */
function usageOf(usage: Json): RecordedAnswer["usage"] {
  const read = tokens(usage.cache_read_input_tokens);
  const written = tokens(usage.cache_creation_input_tokens);
  return recordedUsage({
    promptTokens: tokens(usage.input_tokens) + read + written,
    completionTokens: tokens(usage.output_tokens),
    cachedPromptTokens: read,
    cacheWriteTokens: written,
  });
}
