import {
  type ExchangeFacts,
  InvalidResponseError,
  type LLMResponse,
  type ToolCall,
} from "@loom/llm-types";
import { parseToolCall } from "../../../response/parse-tool-call.js";
import { quoteServerText } from "../../../response/quote-server-text.js";
import { MAX_BLOCKS } from "../max-blocks.js";
import { structuredToolOf } from "../request/structured-output-tool.js";
import { assembleResponse } from "./assemble-response.js";
import { errorIn, messageError } from "./message-error.js";
import { normalizeStopReason } from "./normalize-stop-reason.js";

type Json = Record<string, unknown>;

/**
 * An `LLMResponse` from a parsed Messages body (`{"type": "message", "content": [...]}`). Text
 * blocks are the content, thinking blocks the reasoning, `tool_use` blocks the tool calls;
 * every block (redacted thinking, server tools and their results, types Loom does not know) is
 * kept in the message's native parts. A block that is not an object is skipped, never a
 * `TypeError`. No schema validation on this hot path: each field is checked where it is read.
 */
export function parseMessage(body: unknown, facts: ExchangeFacts): LLMResponse {
  // An error answered with status 200 (a proxy, llama.cpp): typed as its status would be.
  const error = errorIn(body);
  if (error !== undefined)
    throw messageError(
      error,
      JSON.stringify(facts.redactor.redactValue(error)),
      facts,
      "error in a 200 body",
    );
  const json: Json = typeof body === "object" && body !== null ? (body as Json) : {};
  const content = json.content;
  if (!Array.isArray(content) && typeof json.stop_reason !== "string") {
    throw new InvalidResponseError({
      message: `${facts.request} returned no content and no stop_reason`,
      // Masked as values first: serialised again, an escaped secret would be escaped twice.
      raw: quoteServerText(describeBody(facts.redactor.redactValue(body)), facts),
      provider: facts.provider,
      model: facts.model,
      requestId: facts.requestId,
    });
  }
  const structured = structuredToolOf(facts);
  // Tool calls cut by `max_tokens` say so in their error.
  const finishReason = normalizeStopReason(json.stop_reason, facts.redact).finishReason;
  const parts: Json[] = [];
  const texts: string[] = [];
  let thinking: string[] | undefined;
  let structuredText: string | undefined;
  const toolCalls: ToolCall[] = [];
  // The stream's bound, for the same reason: a server inventing blocks by the thousand would
  // have as many tool calls run by an agent loop, all at once.
  if (Array.isArray(content) && content.length > MAX_BLOCKS)
    throw new InvalidResponseError({
      message: `${facts.request}: the message holds more than ${MAX_BLOCKS} content blocks`,
      provider: facts.provider,
      model: facts.model,
      requestId: facts.requestId,
    });
  for (const block of Array.isArray(content) ? content : []) {
    if (typeof block !== "object" || block === null || Array.isArray(block)) continue;
    const masked = facts.redactor.redactValue(block) as Json;
    switch (masked.type) {
      case "text":
        if (typeof masked.text === "string") texts.push(masked.text);
        break;
      case "thinking":
        thinking ??= [];
        if (typeof masked.thinking === "string") thinking.push(masked.thinking);
        break;
      case "tool_use": {
        const name = typeof masked.name === "string" ? masked.name : "";
        if (structured !== undefined && name === structured) {
          // The reply itself: kept as the text it is, so the turn can be sent back without a
          // tool call that no tool result answers (Anthropic refuses that). Cut by
          // `max_tokens`, its `input` is no reply (llama.cpp's and Anthropic's `{}` for input
          // that did not parse): none, which the format's check reports as cut off, as the
          // same reply streamed (its partial JSON) is.
          const text = finishReason === "length" ? "" : JSON.stringify(masked.input ?? {});
          structuredText ??= text;
          parts.push({ type: "text", text });
          continue;
        }
        toolCalls.push(
          parseToolCall(
            typeof masked.id === "string" ? masked.id : undefined,
            name,
            facts.redact(JSON.stringify((block as Json).input ?? {})),
            facts,
            finishReason,
          ),
        );
        break;
      }
    }
    parts.push(masked);
  }
  return assembleResponse(
    {
      parts,
      texts,
      thinking,
      structured: structuredText,
      toolCalls,
      stopReason: json.stop_reason,
      usage: json.usage,
      id: typeof json.id === "string" ? facts.redact(json.id) : "",
      model: typeof json.model === "string" ? facts.redact(json.model) : facts.model,
    },
    facts,
  );
}

/** A body as text for an error, even one too deep or too odd for `JSON.stringify`. */
function describeBody(body: unknown): string {
  try {
    return JSON.stringify(body) ?? String(body);
  } catch {
    return Object.prototype.toString.call(body);
  }
}
