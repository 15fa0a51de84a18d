import type { Message } from "@loom/llm-types";
import { recordedToolCall } from "./recorded-tool-call.js";
import {
  type RecordedAnswer,
  type RecordedProtocol,
  recordedUsage,
  tokens,
} from "./recorded-turn.js";
import { ssePayloads } from "./sse-payloads.js";
import {
  isObject,
  type Json,
  Malformed,
  object,
  optional,
  string,
  textOf,
} from "./transcript-fields.js";

/**
 * Exchanges with OpenAI's Responses API (`POST /v1/responses`). A request that continued a
 * stored conversation (`previous_response_id`) holds only its new input: that is what is replayed.
 */
export const recordedResponsesTurn: RecordedProtocol = {
  endpoint: (path) => path.endsWith("/responses"),
  messages: messagesOf,
  answer: answerOf,
};

/** The request as messages: `instructions` as the system message, then each input item. */
function messagesOf(body: Json): Message[] {
  const messages: Message[] = [];
  const instructions = optional(body.instructions, "request.body.instructions");
  if (instructions !== undefined && instructions !== "")
    messages.push({ role: "system", content: instructions });
  const input = body.input;
  if (typeof input === "string") messages.push({ role: "user", content: input });
  else if (Array.isArray(input))
    for (const [i, item] of input.entries()) addItem(messages, item, `request.body.input[${i}]`);
  else throw new Malformed("request.body.input", "a string or an array of items", input);
  return messages;
}

/**
 * One input item added to the messages. A `function_call` joins the assistant message just
 * before it (a client sends one assistant turn as its message, then one item per call), or
 * starts one. Items with no portable equivalent (reasoning, references, built-in tools) are
 * left out: the replayed provider may speak another protocol.
 */
function addItem(messages: Message[], value: unknown, field: string): void {
  const item = object(value, field, "an input item object");
  // A message may leave its type out (`{role, content}`, the easy input form).
  const type = optional(item.type, `${field}.type`) ?? "message";
  switch (type) {
    case "message": {
      const role = string(item.role, `${field}.role`);
      const content = textOf(item.content, `${field}.content`);
      if (role === "system" || role === "developer") messages.push({ role: "system", content });
      else if (role === "assistant") messages.push({ role: "assistant", content });
      else messages.push({ role: "user", content });
      return;
    }
    case "function_call": {
      const id = optional(item.call_id, `${field}.call_id`) ?? "";
      const name = string(item.name, `${field}.name`);
      const raw = optional(item.arguments, `${field}.arguments`) ?? "{}";
      const call = recordedToolCall(id, name, raw);
      const last = messages.at(-1);
      if (last?.role === "assistant") last.toolCalls = [...(last.toolCalls ?? []), call];
      else messages.push({ role: "assistant", content: "", toolCalls: [call] });
      return;
    }
    case "function_call_output":
      messages.push({
        role: "tool",
        toolCallId: optional(item.call_id, `${field}.call_id`) ?? "",
        content: textOf(item.output, `${field}.output`),
      });
      return;
  }
}

/** The recorded answer: a response body, or the text of a stream's events. */
function answerOf(body: string): RecordedAnswer {
  let whole: unknown;
  try {
    whole = JSON.parse(body);
  } catch {
    return streamAnswerOf(body);
  }
  if (!isObject(whole)) return { content: "", usage: undefined };
  return { content: outputText(whole.output), usage: usageOf(whole.usage) };
}

/** The text of a response's output: its message items' parts (reasoning is not the answer). */
function outputText(output: unknown): string {
  if (!Array.isArray(output)) return "";
  return output
    .map((item: unknown) =>
      isObject(item) && item.type === "message" && Array.isArray(item.content)
        ? item.content
            .map((part: unknown) =>
              isObject(part) && part.type === "output_text" && typeof part.text === "string"
                ? part.text
                : "",
            )
            .join("")
        : "",
    )
    .join("");
}

/**
 * A stream's answer: the text of its `response.output_text.delta`s (a stream cut before
 * `response.completed` keeps what came), and the usage of the last event whose response has one.
 */
function streamAnswerOf(body: string): RecordedAnswer {
  let content = "";
  let usage: RecordedAnswer["usage"];
  for (const event of ssePayloads(body)) {
    if (event.type === "response.output_text.delta" && typeof event.delta === "string")
      content += event.delta;
    if (isObject(event.response)) usage = usageOf(event.response.usage) ?? usage;
  }
  return { content, usage };
}

/** `usage` of a response: `input_tokens` counts every input token, cache hits included. */
function usageOf(usage: unknown): RecordedAnswer["usage"] {
  if (!isObject(usage)) return undefined;
  const details = isObject(usage.input_tokens_details) ? usage.input_tokens_details : {};
  return recordedUsage({
    promptTokens: tokens(usage.input_tokens),
    completionTokens: tokens(usage.output_tokens),
    cachedPromptTokens: tokens(details.cached_tokens),
    cacheWriteTokens: 0,
  });
}
