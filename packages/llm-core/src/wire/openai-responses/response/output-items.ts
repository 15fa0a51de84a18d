import { type ExchangeFacts, InvalidResponseError } from "@loom/llm-types";

/** A JSON object as a server sent it. */
export type Json = Record<string, unknown>;

/**
 * The most output items one response may carry. A turn holds a handful (reasoning, a message,
 * some function calls, a few built-in tool calls); a server inventing thousands would otherwise
 * make every event a long search and every next request a long body.
 */
export const MAX_OUTPUT_ITEMS = 256;

/** Whether a value is a JSON object (arrays and `null` are not). */
export function isObject(value: unknown): value is Json {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** The error for a response with more than `MAX_OUTPUT_ITEMS` output items. */
export function tooManyItems(facts: ExchangeFacts): InvalidResponseError {
  return new InvalidResponseError({
    message: `${facts.request}: the response holds more than ${MAX_OUTPUT_ITEMS} output items`,
    provider: facts.provider,
    model: facts.model,
    requestId: facts.requestId,
  });
}

/** The texts of one kind of part in a list of parts (`output_text`, `refusal`, …), in order. */
function partTexts(parts: unknown, type: string, field: string): string[] {
  if (!Array.isArray(parts)) return [];
  const texts: string[] = [];
  for (const part of parts) {
    if (!isObject(part) || part.type !== type) continue;
    const text = part[field];
    if (typeof text === "string") texts.push(text);
  }
  return texts;
}

/** A `message` item's answer: its `output_text` parts, joined as they came. */
export function messageText(item: Json): string {
  return partTexts(item.content, "output_text", "text").join("");
}

/** A `message` item's refusal (`refusal` parts), or "" when it has none. */
export function messageRefusal(item: Json): string {
  return partTexts(item.content, "refusal", "refusal").join("");
}

/**
 * A `reasoning` item's readable texts: the summaries (`summary_text`, what OpenAI shows of its
 * reasoning) and then the reasoning itself (`reasoning_text`, which llama.cpp and gpt-oss
 * servers send), empty ones left out.
 */
export function reasoningTexts(item: Json): string[] {
  return [
    ...partTexts(item.summary, "summary_text", "text"),
    ...partTexts(item.content, "reasoning_text", "text"),
  ].filter((text) => text !== "");
}

/**
 * The separator between two pieces of reasoning (two summary parts, two reasoning items): the
 * same in a body and in a stream, so `reasoningContent` does not depend on how it came.
 */
export const REASONING_SEPARATOR = "\n\n";
