import type { LLMResponse } from "./llm-response.js";
import type { StreamEvent } from "./stream-event.js";

/**
 * A streamed reply. Iterate it for text chunks, or iterate `events()` for everything; either
 * way, breaking out of the loop or calling `abort()` releases the connection.
 */
export interface ChatStream<TParsed = unknown> extends AsyncIterable<string> {
  /** Every event, in order, ending with a `response` event. Iterate once: text or events. */
  events(): AsyncIterable<StreamEvent>;
  /**
   * The response assembled from the whole stream. If nobody iterates the stream within the
   * current turn of the event loop, calling this consumes the stream itself.
   */
  response(): Promise<LLMResponse<TParsed>>;
  /** Stops the stream; a pending iteration ends with an `AbortError`. */
  abort(reason?: unknown): void;
}
