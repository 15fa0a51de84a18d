import {
  type AssistantMessage,
  InvalidResponseError,
  type LLMResponse,
  type ToolCall,
} from "@loom/llm-types";
import { normalizeUsage } from "./normalize-usage.js";
import { parseToolCall } from "./parse-tool-call.js";
import { quoteServerText } from "./quote-server-text.js";
import type { ResponseMeta } from "./response-meta.js";

type Json = Record<string, unknown>;

/** An `LLMResponse` from a parsed `chat.completion` body. No schema validation on this hot path: each field is checked where it is read. */
export function parseCompletion(body: unknown, meta: ResponseMeta): LLMResponse {
  const choice = (body as { choices?: unknown } | null)?.choices;
  const first = Array.isArray(choice) ? (choice[0] as Json | undefined) : undefined;
  const message = first?.message as Json | undefined;
  if (typeof message !== "object" || message === null) {
    throw new InvalidResponseError({
      message: `${meta.request} returned no choices[0].message`,
      raw: quoteServerText(describeBody(body), meta),
      provider: meta.provider,
      model: meta.model,
      requestId: meta.requestId,
    });
  }
  const json = body as Json;
  const content = textOf(message.content);
  const finishReason = typeof first?.finish_reason === "string" ? first.finish_reason : null;
  const toolCalls = toolCallsOf(message.tool_calls, meta, finishReason);
  const reasoning = message.reasoning_content ?? message.reasoning;
  return assembleResponse({
    content,
    refusal:
      typeof message.refusal === "string" && message.refusal !== "" ? message.refusal : undefined,
    toolCalls,
    reasoningContent: typeof reasoning === "string" ? reasoning : undefined,
    finishReason,
    usage: json.usage,
    model: typeof json.model === "string" ? json.model : meta.model,
    id: typeof json.id === "string" ? json.id : "",
    meta,
  });
}

/** The parts every response has, from a whole body or from a stream. */
export interface ResponseParts {
  content: string;
  refusal: string | undefined;
  toolCalls: ToolCall[];
  reasoningContent: string | undefined;
  finishReason: string | null;
  usage: unknown;
  model: string;
  id: string;
  meta: ResponseMeta;
}

/** Builds the response and the assistant message for the next turn from its parts. */
export function assembleResponse(parts: ResponseParts): LLMResponse {
  const message: AssistantMessage = { role: "assistant", content: parts.content };
  if (parts.toolCalls.length > 0) message.toolCalls = parts.toolCalls;
  if (parts.reasoningContent !== undefined) message.reasoningContent = parts.reasoningContent;
  const response: LLMResponse = {
    content: parts.content,
    finishReason: parts.finishReason,
    usage: normalizeUsage(parts.usage),
    toolCalls: parts.toolCalls,
    model: parts.model,
    id: parts.id,
    provider: parts.meta.provider,
    message,
  };
  if (parts.reasoningContent !== undefined) response.reasoningContent = parts.reasoningContent;
  if (parts.refusal !== undefined) response.refusal = parts.refusal;
  if (parts.meta.requestId !== undefined) response.requestId = parts.meta.requestId;
  return response;
}

/** `content` is a string, `null` with tool calls, or (a few servers) an array of text parts. */
function textOf(content: unknown): string {
  if (typeof content === "string") return content;
  if (Array.isArray(content)) {
    return content.map((part) => (typeof part?.text === "string" ? part.text : "")).join("");
  }
  return "";
}

function toolCallsOf(wire: unknown, meta: ResponseMeta, finishReason: string | null): ToolCall[] {
  if (!Array.isArray(wire) || wire.length === 0) return [];
  // An entry that is not an object (`null`, a string) is no call: skipped, not a TypeError.
  return wire.filter(isObject).map((call: Json) => {
    const fn = (isObject(call.function) ? call.function : {}) as Json;
    const args = fn.arguments;
    const raw =
      typeof args === "string"
        ? args
        : args === undefined || args === null
          ? ""
          : JSON.stringify(args);
    return parseToolCall(
      typeof call.id === "string" ? call.id : undefined,
      typeof fn.name === "string" ? fn.name : "",
      raw,
      meta,
      finishReason,
    );
  });
}

/** A body as text for an error, even one too deep or too odd for `JSON.stringify`. */
function describeBody(body: unknown): string {
  try {
    return JSON.stringify(body) ?? String(body);
  } catch {
    return Object.prototype.toString.call(body);
  }
}

function isObject(value: unknown): value is Json {
  return typeof value === "object" && value !== null;
}
