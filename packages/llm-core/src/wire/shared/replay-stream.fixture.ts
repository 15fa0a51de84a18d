// Test fixture (not built into dist): a recorded stream run through a wire's reader.
import type { LLMResponse, StreamEvent, WireStreamReader } from "@loom/llm-types";
import { SseDecoder } from "../../stream/sse-decoder.js";

/** What a replay gave: every item handed on, in order, and the final response. */
export interface Replay {
  items: (string | StreamEvent)[];
  response: LLMResponse;
}

/**
 * Runs bytes through the project's SSE decoder and a wire's stream reader, in reads cut at the
 * given offsets, as the exchange reads a body (`exchange/read-event-stream.ts`): the items
 * taken after each read, the decoder ended when the bytes are, then `finish()`. Replaying a
 * recording cut at every offset shows a reader gives the same answer however the network
 * splits it.
 */
export function replayStream(
  reader: WireStreamReader,
  bytes: Uint8Array,
  cuts: readonly number[],
  maxBytes: number,
): Replay {
  const decoder = new SseDecoder(maxBytes, () => reader.overflow());
  const items: (string | StreamEvent)[] = [];
  let start = 0;
  for (const cut of [...cuts].sort((a, b) => a - b).concat(bytes.length)) {
    decoder.push(bytes.subarray(start, cut), reader);
    start = cut;
    items.push(...reader.out.splice(0));
    if (reader.done) break;
  }
  if (!reader.done) decoder.end(reader);
  const response = reader.finish();
  items.push(...reader.out.splice(0));
  return { items, response };
}
