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
  object,
  optional,
  string,
  textOf,
} from "./transcript-fields.js";

/** Exchanges with OpenAI's chat completions (`POST /v1/chat/completions`) and its clones. */
export const recordedChatTurn: RecordedProtocol = {
  endpoint: (path) => path.endsWith("/chat/completions"),
  messages: (body) =>
    array(body.messages, "request.body.messages").map((wire, i) =>
      messageOf(wire, `request.body.messages[${i}]`),
    ),
  answer: answerOf,
};

/** A recorded wire message as the client's own. */
function messageOf(value: unknown, field: string): Message {
  const wire = object(value, field, "a message object");
  const role = string(wire.role, `${field}.role`);
  const text = textOf(wire.content, `${field}.content`);
  switch (role) {
    // `developer` is OpenAI's newer name for the system role (its reasoning models ask for it).
    case "system":
    case "developer":
      return { role: "system", content: text };
    case "assistant": {
      const calls = wire.tool_calls ?? [];
      const toolCalls = array(calls, `${field}.tool_calls`).map((call, i) =>
        toolCallOf(call, `${field}.tool_calls[${i}]`),
      );
      return toolCalls.length > 0
        ? { role: "assistant", content: text, toolCalls }
        : { role: "assistant", content: text };
    }
    case "tool":
      return {
        role: "tool",
        toolCallId: optional(wire.tool_call_id, `${field}.tool_call_id`) ?? "",
        content: text,
      };
    default:
      return { role: "user", content: text };
  }
}

function toolCallOf(value: unknown, field: string): ToolCall {
  const call = object(value, field, "a tool call object");
  const fn = object(call.function, `${field}.function`, "an object {name, arguments}");
  const raw = optional(fn.arguments, `${field}.function.arguments`) ?? "{}";
  const id = optional(call.id, `${field}.id`) ?? "";
  return recordedToolCall(id, string(fn.name, `${field}.function.name`), raw);
}

/** The recorded answer: a completion body, or the text of a stream's chunks. */
function answerOf(body: string): RecordedAnswer {
  let whole: unknown;
  try {
    whole = JSON.parse(body);
  } catch {
    return streamAnswerOf(body);
  }
  const message = isObject(whole) ? firstChoice(whole).message : undefined;
  return {
    content: isObject(message) && typeof message.content === "string" ? message.content : "",
    usage: isObject(whole) ? usageOf(whole.usage) : undefined,
  };
}

/** A stream's answer: the text of its chunks' deltas, the usage of the last chunk with one. */
function streamAnswerOf(body: string): RecordedAnswer {
  let content = "";
  let usage: RecordedAnswer["usage"];
  for (const chunk of ssePayloads(body)) {
    const delta = firstChoice(chunk).delta;
    if (isObject(delta) && typeof delta.content === "string") content += delta.content;
    usage = usageOf(chunk.usage) ?? usage;
  }
  return { content, usage };
}

function firstChoice(body: Json): Json {
  const choice: unknown = Array.isArray(body.choices) ? body.choices[0] : undefined;
  return isObject(choice) ? choice : {};
}

/**
 * `usage` of a completion: cache hits as DeepSeek counts them (`prompt_cache_hit_tokens`), else
 * as OpenAI does (`prompt_tokens_details.cached_tokens`), both inside `prompt_tokens`.
 */
function usageOf(usage: unknown): RecordedAnswer["usage"] {
  if (!isObject(usage)) return undefined;
  const details = isObject(usage.prompt_tokens_details) ? usage.prompt_tokens_details : {};
  return recordedUsage({
    promptTokens: tokens(usage.prompt_tokens),
    completionTokens: tokens(usage.completion_tokens),
    cachedPromptTokens: tokens(usage.prompt_cache_hit_tokens ?? details.cached_tokens),
    cacheWriteTokens: 0,
  });
}
