import type { ExchangeFacts, StreamEvent } from "@loom/llm-types";
import { Redactor } from "@loom/llm-utils";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { recordedStream } from "../../../stream/recorded-stream.fixture.js";
import { SseDecoder } from "../../../stream/sse-decoder.js";
import { splitAt } from "../../../test-support.fixture.js";
import { parseCompletion } from "../response/parse-completion.js";
import { StreamAssembler } from "./stream-assembler.js";

const meta = (): ExchangeFacts => ({
  provider: "fake",
  model: "m",
  request: "POST http://127.0.0.1/v1/chat/completions",
  requestId: undefined,
  choices: 1,
  maxBytes: 1 << 20,
  timeoutMs: 30_000,
  tools: undefined,
  responseFormat: undefined,
  lenientJson: false,
  redactor: new Redactor([]),
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

describe("StreamAssembler: a stream and its non-streamed equivalent", () => {
  /** A piece of text split into random pieces, as a server streams it. */
  const pieces = fc.array(fc.string({ unit: "grapheme", maxLength: 8 }), { maxLength: 6 });
  const call = fc.record({
    id: fc.string({ unit: fc.constantFrom(..."abc123"), minLength: 1, maxLength: 6 }),
    name: fc.constantFrom("search", "get_weather", "add"),
    // Valid JSON arguments, cut into pieces anywhere (even inside a string or an escape).
    args: fc
      .tuple(
        fc.dictionary(fc.string({ maxLength: 5 }), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 3 }),
        fc.array(fc.nat(), { maxLength: 4 }),
      )
      .map(([value, cuts]) => splitAt(JSON.stringify(value), cuts)),
  });
  const reply = fc.record({
    content: pieces,
    reasoning: pieces,
    calls: fc.array(call, { maxLength: 3 }),
    finish: fc.constantFrom("stop", "length", "tool_calls"),
    usage: fc.option(fc.record({ prompt_tokens: fc.nat(5000), completion_tokens: fc.nat(5000) }), {
      nil: undefined,
    }),
  });

  it("gives the same response, whatever the pieces and however the bytes are split", () => {
    fc.assert(
      fc.property(reply, fc.array(fc.nat(), { maxLength: 10 }), (r, cuts) => {
        const chunk = (delta: object, extra: object = {}) =>
          `data: ${JSON.stringify({ id: "c1", model: "m1", choices: [{ index: 0, delta, finish_reason: null }], ...extra })}\n\n`;
        let sse = chunk({ role: "assistant" });
        for (const piece of r.reasoning) sse += chunk({ reasoning_content: piece });
        for (const piece of r.content) sse += chunk({ content: piece });
        r.calls.forEach((c, index) => {
          sse += chunk({
            tool_calls: [
              { index, id: c.id, type: "function", function: { name: c.name, arguments: "" } },
            ],
          });
          for (const arg of c.args)
            sse += chunk({ tool_calls: [{ index, function: { arguments: arg } }] });
        });
        const usage =
          r.usage === undefined
            ? undefined
            : { ...r.usage, total_tokens: r.usage.prompt_tokens + r.usage.completion_tokens };
        sse += `data: ${JSON.stringify({ id: "c1", model: "m1", choices: [{ index: 0, delta: {}, finish_reason: r.finish }], ...(usage ? { usage } : {}) })}\n\ndata: [DONE]\n\n`;
        const bytes = Buffer.from(sse);
        const streamed = run(
          bytes,
          cuts.map((c) => c % (bytes.length + 1)),
        ).response as ReturnType<typeof parseCompletion>;
        const message: Record<string, unknown> = { role: "assistant", content: r.content.join("") };
        if (r.reasoning.length > 0) message.reasoning_content = r.reasoning.join("");
        if (r.calls.length > 0)
          message.tool_calls = r.calls.map((c) => ({
            id: c.id,
            type: "function",
            function: { name: c.name, arguments: c.args.join("") },
          }));
        const whole = parseCompletion(
          {
            id: "c1",
            model: "m1",
            choices: [{ index: 0, message, finish_reason: r.finish }],
            ...(usage ? { usage } : {}),
          },
          meta(),
        );
        expect(streamed.content).toBe(whole.content);
        expect(streamed.reasoningContent ?? "").toBe(whole.reasoningContent ?? "");
        expect(streamed.toolCalls).toEqual(whole.toolCalls);
        expect(streamed.finishReason).toBe(whole.finishReason);
        expect(streamed.usage).toEqual(whole.usage);
        expect(streamed.id).toBe(whole.id);
        expect(streamed.model).toBe(whole.model);
      }),
    );
  });
});
