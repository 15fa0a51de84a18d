import type { NativeTurn } from "@loom/llm-types";

type Json = Record<string, unknown>;

// The output item types whose `id` names an item stored on OpenAI's side.
const STORED_ID_TYPES: ReadonlySet<unknown> = new Set(["message", "reasoning", "function_call"]);

/**
 * A previous turn's output items as input items: as they came (the API takes its output items
 * back as input; OpenAI's reasoning cookbook appends `response.output` to the next input as
 * is), changed only where stateless use requires it. With `store: false` nothing is kept on
 * OpenAI's side, so:
 *
 * - a `message`, `reasoning` or `function_call` item goes without its `id`. An id refers to a
 *   stored item: a reasoning item whose id is sent without its encrypted content is looked up
 *   and fails ("Item with id 'rs_…' not found. Items are not persisted when `store` is set to
 *   false", vercel/ai#7543), and ids pair a reasoning item with the item that followed it
 *   ("Item 'rs_…' of type 'reasoning' was provided without its required following item",
 *   openai/openai-node#1567). OpenAI's own stateless client, Codex, never sends these ids
 *   (openai/codex `codex-rs/protocol/src/models.rs`: `id` is `skip_serializing`); their
 *   content, summaries, encrypted content and `call_id` go back unchanged.
 * - a `reasoning` item with neither encrypted content nor reasoning text is left out: without
 *   its id it carries nothing the model can resume from (OpenAI returns no encrypted content
 *   unless it was included), and llama.cpp rejects a reasoning item without `content` ("item
 *   ['content'] is not an array").
 *
 * With `store: true` (set through `extraBody`) the items go back exactly as they came.
 */
export function nativeInputItems(turn: NativeTurn, stateless: boolean): Json[] {
  const items: Json[] = [];
  for (const part of turn.parts) {
    if (!stateless) {
      items.push({ ...part });
      continue;
    }
    if (part.type === "reasoning" && !resumable(part)) continue;
    if (STORED_ID_TYPES.has(part.type)) {
      const { id: _id, ...rest } = part;
      items.push(rest);
    } else {
      items.push({ ...part });
    }
  }
  return items;
}

/** Whether a reasoning item carries what a stateless server can resume from. */
function resumable(part: Readonly<Json>): boolean {
  if (typeof part.encrypted_content === "string" && part.encrypted_content !== "") return true;
  return Array.isArray(part.content) && part.content.length > 0;
}
