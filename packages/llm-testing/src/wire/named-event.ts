import type { SseItem } from "../fake-server/fake-reply.js";

/**
 * An SSE event named after its payload's `type` (`event: message_start` / `data: {...}`), as the
 * Anthropic Messages and OpenAI Responses APIs send every event. Anthropic's SDK skips an event
 * without a name, so the name is not decoration.
 */
export function namedEvent(payload: { type: string } & Record<string, unknown>): SseItem {
  return { event: payload.type, data: JSON.stringify(payload) };
}
