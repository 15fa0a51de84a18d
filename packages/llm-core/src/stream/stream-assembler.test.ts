import type { StreamEvent } from "@loom/llm-types";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { ResponseMeta } from "../response/response-meta.js";
import { recordedStream } from "./recorded-stream.fixture.js";
import { SseDecoder } from "./sse-decoder.js";
import { StreamAssembler } from "./stream-assembler.js";

const meta = (): ResponseMeta => ({
  provider: "fake",
  model: "m",
  request: "POST http://127.0.0.1/v1/chat/completions",
  requestId: undefined,
  maxBytes: 1 << 20,
  tools: undefined,
  responseFormat: undefined,
  lenientJson: false,
  redact: (text) => text,
});

/** Runs bytes, split at the given offsets, through the decoder and assembler. */
function run(bytes: Buffer, cuts: number[]): { events: StreamEvent[]; response: unknown } {
  const assembler = new StreamAssembler(meta(), false);
  const decoder = new SseDecoder(1 << 20, () => assembler.overflow());
  const events: StreamEvent[] = [];
  let start = 0;
  for (const cut of [...cuts.sort((a, b) => a - b), bytes.length]) {
    decoder.push(bytes.subarray(start, cut), assembler);
    start = cut;
    events.push(...(assembler.out.splice(0) as StreamEvent[]));
    if (assembler.done) break;
  }
  decoder.end(assembler);
  events.push(...(assembler.out.splice(0) as StreamEvent[]));
  return { events, response: assembler.finish() };
}

describe("StreamAssembler over a recorded stream", () => {
  it("assembles reasoning, text, two interleaved tool calls and usage", () => {
    const { response } = run(recordedStream("\n"), []);
    expect(response).toMatchObject({
      content: "Grüße, 世界 🦊",
      reasoningContent: "Denke… nach 🤔",
      finishReason: "tool_calls",
      toolCalls: [
        { id: "call_a", name: "wetter", arguments: { stadt: "Zürich" } },
        { id: "call_b", name: "zeit", arguments: { tz: "MEZ" } },
      ],
      usage: {
        promptTokens: 20,
        completionTokens: 11,
        totalTokens: 31,
        reasoningTokens: 4,
        reported: true,
      },
    });
  });

  it("text mode yields only the text pieces", () => {
    const assembler = new StreamAssembler(meta(), true);
    const decoder = new SseDecoder(1 << 20, () => assembler.overflow());
    decoder.push(recordedStream("\r\n"), assembler);
    expect(assembler.out).toEqual(["Grüße, ", "世界 🦊"]);
  });

  it("property: any split of the bytes into TCP chunks gives the same events and response", () => {
    for (const eol of ["\n", "\r\n", "\r"]) {
      const bytes = recordedStream(eol);
      const expected = run(bytes, []);
      fc.assert(
        fc.property(
          fc.uniqueArray(fc.integer({ min: 1, max: bytes.length - 1 }), { maxLength: 40 }),
          (cuts) => {
            expect(run(bytes, cuts)).toEqual(expected);
          },
        ),
        { numRuns: 300 },
      );
    }
  });

  it("property: every single-byte split point, one at a time", () => {
    const bytes = recordedStream("\r\n");
    const expected = run(bytes, []);
    for (let cut = 1; cut < bytes.length; cut++) expect(run(bytes, [cut])).toEqual(expected);
  });
});
