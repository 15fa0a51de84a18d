import type { ExchangeFacts } from "@loom/llm-types";
import {
  type AssistantMessage,
  InvalidResponseError,
  type LLMChoice,
  type LLMResponse,
  type ToolCall,
} from "@loom/llm-types";
import { parseToolCall } from "../../../response/parse-tool-call.js";
import { quoteServerText } from "../../../response/quote-server-text.js";
import { rawArguments } from "../../shared/raw-arguments.js";
import { MAX_TOOL_CALLS } from "../max-tool-calls.js";
import { bodyError, errorIn } from "./body-error.js";
import { choiceIndex } from "./choice-index.js";
import { normalizeFinishReason } from "./normalize-finish-reason.js";
import { normalizeUsage } from "./normalize-usage.js";

type Json = Record<string, unknown>;

/**
 * An `LLMResponse` from a parsed `chat.completion` body: every choice, by its `index`. No schema
 * validation on this hot path: each field is checked where it is read.
 */
export function parseCompletion(body: unknown, meta: ExchangeFacts): LLMResponse {
  // An error answered with status 200 (proxies, OpenRouter once generation started): typed
  // as if its status had said so, not "no choices".
  const error = errorIn(body);
  if (error !== undefined)
    throw bodyError(
      error,
      JSON.stringify(meta.redactor.redactValue(error)),
      meta,
      "error in a 200 body",
    );
  const wire = (body as { choices?: unknown } | null)?.choices;
  const choices: ChoiceParts[] = [];
  if (Array.isArray(wire)) {
    for (let position = 0; position < wire.length; position++) {
      const choice = wire[position] as Json | null | undefined;
      const message = choice?.message as Json | undefined;
      // An entry without a message object (`null`, a string) is no answer: skipped.
      if (typeof message !== "object" || message === null) continue;
      choices.push(choiceOf(choice as Json, message, position, meta));
    }
  }
  if (choices.length === 0) {
    throw new InvalidResponseError({
      message: `${meta.request} returned no choices[0].message`,
      // Masked as values first: serialised again, an escaped secret would be escaped twice.
      raw: quoteServerText(describeBody(meta.redactor.redactValue(body)), meta),
      provider: meta.provider,
      model: meta.model,
      requestId: meta.requestId,
    });
  }
  if (choices.length > 1) {
    choices.sort((a, b) => a.index - b.index);
    for (let i = 1; i < choices.length; i++) {
      if (choices[i]?.index === choices[i - 1]?.index) {
        throw new InvalidResponseError({
          message: `${meta.request} returned two choices with index ${choices[i]?.index}: which is the answer is unknown`,
          raw: quoteServerText(describeBody(meta.redactor.redactValue(body)), meta),
          provider: meta.provider,
          model: meta.model,
          requestId: meta.requestId,
        });
      }
    }
  }
  const json = body as Json;
  return assembleResponse({
    choices,
    // Groq's older bodies report usage only under `x_groq`.
    usage: json.usage ?? (json.x_groq as Json | null | undefined)?.usage,
    model: typeof json.model === "string" ? meta.redact(json.model) : meta.model,
    id: typeof json.id === "string" ? meta.redact(json.id) : "",
    meta,
  });
}

function choiceOf(choice: Json, message: Json, position: number, meta: ExchangeFacts): ChoiceParts {
  const finishReason =
    typeof choice.finish_reason === "string"
      ? normalizeFinishReason(choice.finish_reason, meta.redact)
      : null;
  const reasoning = message.reasoning_content ?? message.reasoning;
  // Every text handed back is masked: a hostile server may write the key into any of them.
  const redact = meta.redact;
  return {
    index: choiceIndex(choice.index, position, meta),
    content: redact(textOf(message.content)),
    refusal:
      typeof message.refusal === "string" && message.refusal !== ""
        ? redact(message.refusal)
        : undefined,
    toolCalls: toolCallsOf(message.tool_calls, meta, finishReason),
    reasoningContent: typeof reasoning === "string" ? redact(reasoning) : undefined,
    finishReason,
  };
}

/** One answer's parts, from a whole body or from a stream. */
export interface ChoiceParts {
  index: number;
  content: string;
  refusal: string | undefined;
  toolCalls: ToolCall[];
  reasoningContent: string | undefined;
  finishReason: string | null;
}

/** The parts every response has: its answers (at least one, in index order) and the rest. */
export interface ResponseParts {
  choices: readonly ChoiceParts[];
  usage: unknown;
  model: string;
  id: string;
  meta: ExchangeFacts;
}

/**
 * Builds the response from its parts: the first answer at the top level, with the assistant
 * message for the next turn; with several answers, all of them in `choices`.
 */
export function assembleResponse(parts: ResponseParts): LLMResponse {
  const first = parts.choices[0] as ChoiceParts;
  const message = messageOf(first);
  const response: LLMResponse = {
    content: first.content,
    finishReason: first.finishReason,
    usage: normalizeUsage(parts.usage),
    toolCalls: first.toolCalls,
    model: parts.model,
    id: parts.id,
    provider: parts.meta.provider,
    message,
  };
  if (first.reasoningContent !== undefined) response.reasoningContent = first.reasoningContent;
  if (first.refusal !== undefined) response.refusal = first.refusal;
  if (parts.meta.requestId !== undefined) response.requestId = parts.meta.requestId;
  if (parts.choices.length > 1) {
    response.choices = parts.choices.map((choice) => {
      const out: LLMChoice = {
        index: choice.index,
        content: choice.content,
        finishReason: choice.finishReason,
        toolCalls: choice.toolCalls,
        message: choice === first ? message : messageOf(choice),
      };
      if (choice.refusal !== undefined) out.refusal = choice.refusal;
      if (choice.reasoningContent !== undefined) out.reasoningContent = choice.reasoningContent;
      return out;
    });
  }
  return response;
}

function messageOf(choice: ChoiceParts): AssistantMessage {
  const message: AssistantMessage = { role: "assistant", content: choice.content };
  if (choice.toolCalls.length > 0) message.toolCalls = choice.toolCalls;
  if (choice.reasoningContent !== undefined) message.reasoningContent = choice.reasoningContent;
  return message;
}

/** `content` is a string, `null` with tool calls, or (a few servers) an array of text parts. */
function textOf(content: unknown): string {
  if (typeof content === "string") return content;
  if (Array.isArray(content)) {
    return content.map((part) => (typeof part?.text === "string" ? part.text : "")).join("");
  }
  return "";
}

function toolCallsOf(wire: unknown, meta: ExchangeFacts, finishReason: string | null): ToolCall[] {
  if (!Array.isArray(wire) || wire.length === 0) return [];
  if (wire.length > MAX_TOOL_CALLS)
    throw new InvalidResponseError({
      message: `${meta.request}: the answer holds more than ${MAX_TOOL_CALLS} tool calls`,
      provider: meta.provider,
      model: meta.model,
      requestId: meta.requestId,
    });
  // An entry that is not an object (`null`, a string) is no call: skipped, not a TypeError.
  return wire.filter(isObject).map((call: Json) => {
    const fn = (isObject(call.function) ? call.function : {}) as Json;
    const raw = rawArguments(fn.arguments);
    // Masked before parsing, so the parsed arguments and any error about them are masked too.
    const toolCall = parseToolCall(
      typeof call.id === "string" ? meta.redact(call.id) : undefined,
      typeof fn.name === "string" ? meta.redact(fn.name) : "",
      meta.redact(raw),
      meta,
      finishReason,
    );
    if (isObject(call.extra_content))
      toolCall.extraContent = meta.redactor.redactValue(call.extra_content) as Json;
    return toolCall;
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
