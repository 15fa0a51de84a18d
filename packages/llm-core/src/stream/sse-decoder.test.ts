import { describe, expect, it } from "vitest";
import { SseDecoder, type SseSink } from "./sse-decoder.js";

type Seen = ["data", string, string | undefined] | ["comment"];

function decode(chunks: (string | Buffer)[], maxEventBytes = 1 << 20): Seen[] {
  const seen: Seen[] = [];
  const sink: SseSink = {
    onData: (data, event) => seen.push(["data", data, event]),
    onComment: () => seen.push(["comment"]),
  };
  const decoder = new SseDecoder(maxEventBytes, () => new Error("too big"));
  for (const chunk of chunks)
    decoder.push(typeof chunk === "string" ? Buffer.from(chunk) : chunk, sink);
  decoder.end(sink);
  return seen;
}

describe("SseDecoder", () => {
  it.each<[string, (string | Buffer)[], Seen[]]>([
    ["one event", ["data: hi\n\n"], [["data", "hi", undefined]]],
    ["no space after the colon", ["data:hi\n\n"], [["data", "hi", undefined]]],
    ["only the first space is dropped", ["data:  two\n\n"], [["data", " two", undefined]]],
    [
      "CRLF",
      ["data: a\r\n\r\ndata: b\r\n\r\n"],
      [
        ["data", "a", undefined],
        ["data", "b", undefined],
      ],
    ],
    [
      "CR",
      ["data: a\r\rdata: b\r\r"],
      [
        ["data", "a", undefined],
        ["data", "b", undefined],
      ],
    ],
    [
      "mixed endings",
      ["data: a\n\r\ndata: b\r\rdata: c\n\n"],
      [
        ["data", "a", undefined],
        ["data", "b", undefined],
        ["data", "c", undefined],
      ],
    ],
    ["CR then LF in the next chunk", ["data: a\r", "\n\r", "\n"], [["data", "a", undefined]]],
    ["a line split anywhere", ["da", "ta: he", "llo\n", "\n"], [["data", "hello", undefined]]],
    [
      "several data lines joined with \\n",
      ["data: a\ndata: b\ndata\n\n"],
      [["data", "a\nb\n", undefined]],
    ],
    ["an event name", ["event: error\ndata: {}\n\n"], [["data", "{}", "error"]]],
    [
      "comments",
      [": keep-alive\n\n:\n\ndata: x\n\n"],
      [["comment"], ["comment"], ["data", "x", undefined]],
    ],
    ["ignored fields", ["id: 7\nretry: 10\nfoo\ndata: x\n\n"], [["data", "x", undefined]]],
    [
      "llama.cpp's error field line",
      ['error: {"code":500}\n\n'],
      [["data", '{"code":500}', "error"]],
    ],
    ["an event with no data is not dispatched", ["event: ping\n\n"], []],
    [
      "flushes the last event without a blank line",
      ["data: [DONE]"],
      [["data", "[DONE]", undefined]],
    ],
    [
      "flushes the last event ending in one newline",
      ["data: [DONE]\n"],
      [["data", "[DONE]", undefined]],
    ],
    ["empty input", [], []],
  ])("%s", (_name, chunks, expected) => {
    expect(decode(chunks)).toEqual(expected);
  });

  it("reassembles a multi-byte character split between chunks", () => {
    const bytes = Buffer.from("data: 世界🦊\n\n");
    for (let cut = 1; cut < bytes.length; cut++) {
      expect(decode([bytes.subarray(0, cut), bytes.subarray(cut)])).toEqual([
        ["data", "世界🦊", undefined],
      ]);
    }
  });

  it("refuses an event over the limit, even one without a line end yet", () => {
    expect(() => decode([`data: ${"x".repeat(100)}\n\n`], 50)).toThrow("too big");
    expect(() => decode([`data: ${"x".repeat(100)}`], 50)).toThrow("too big");
    expect(() => decode(["data: aaaa\n", "data: bbbb\n", "data: cccc\n"], 20)).toThrow("too big");
    expect(decode(["data: aaaa\n\n", "data: bbbb\n\n"], 20)).toHaveLength(2);
  });
});
