import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { splitAt } from "../test-support.fixture.js";
import { SseDecoder, type SseSink } from "./sse-decoder.js";

type Seen = ["data", string, string | undefined] | ["comment"];

function decode(chunks: (string | Uint8Array)[], maxEventBytes = 1 << 20): Seen[] {
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

  it("every kind of line, cut at every byte or read a byte at a time, in plain Uint8Arrays: the same events", () => {
    const text =
      "\ufeffevent: grüße\r\ndata: 世界🦊\r\n: ping\r\n\r\ndata: é\rdata: 𝄞x\r\r" +
      'error: {"m":"ö"}\n\ndata:\ufeffkept\n\n';
    // Plain bytes, not a Buffer: what a fetch body gives.
    const bytes = new TextEncoder().encode(text);
    const expected: Seen[] = [
      ["comment"],
      ["data", "世界🦊", "grüße"],
      ["data", "é\n𝄞x", undefined],
      ["data", '{"m":"ö"}', "error"],
      ["data", "\ufeffkept", undefined],
    ];
    expect(decode([bytes])).toEqual(expected);
    for (let cut = 1; cut < bytes.length; cut++) {
      expect(decode([bytes.subarray(0, cut), bytes.subarray(cut)])).toEqual(expected);
    }
    expect(decode([...bytes].map((byte) => Uint8Array.of(byte)))).toEqual(expected);
  });

  it("refuses an event over the limit, even one without a line end yet", () => {
    expect(() => decode([`data: ${"x".repeat(100)}\n\n`], 50)).toThrow("too big");
    expect(() => decode([`data: ${"x".repeat(100)}`], 50)).toThrow("too big");
    expect(() => decode(["data: aaaa\n", "data: bbbb\n", "data: cccc\n"], 20)).toThrow("too big");
    expect(decode(["data: aaaa\n\n", "data: bbbb\n\n"], 20)).toHaveLength(2);
  });

  it.each<[string, (string | Buffer)[], Seen[]]>([
    [
      "a leading byte order mark is dropped",
      ["\ufeffdata: Hello\n\ndata: world\n\n"],
      [
        ["data", "Hello", undefined],
        ["data", "world", undefined],
      ],
    ],
    [
      "a byte order mark split over three chunks",
      [Buffer.from([0xef]), Buffer.from([0xbb]), Buffer.from([0xbf]), "data: a\n\n"],
      [["data", "a", undefined]],
    ],
    [
      "only the first one: later U+FEFF is data",
      ["\ufeffdata: a\n\ndata: \ufeffb\n\n"],
      [
        ["data", "a", undefined],
        ["data", "\ufeffb", undefined],
      ],
    ],
  ])("%s", (_name, chunks, expected) => {
    expect(decode(chunks)).toEqual(expected);
  });

  it("a 64 MiB line without a line end is refused at the limit, in time linear in its size", () => {
    const piece = Buffer.alloc(16 * 1024, 0x61);
    const decoder = new SseDecoder(32 * 1024 * 1024, () => new Error("too big"));
    const sink: SseSink = { onData: () => {}, onComment: () => {} };
    const started = process.cpuUsage();
    let pushed = 0;
    let error: unknown;
    try {
      decoder.push(Buffer.from("data: "), sink);
      for (; pushed < 4096; pushed++) decoder.push(piece, sink);
    } catch (e) {
      error = e;
    }
    const cpu = process.cpuUsage(started);
    expect((error as Error).message).toBe("too big");
    // Refused as soon as the line passed 32 MiB: at the 2 048th piece of 16 KiB.
    expect(pushed).toBe(2047);
    // Quadratic joining took 16 s of CPU for 32 MiB; linear takes milliseconds. The bound is
    // loose on purpose: it catches the quadratic case on any machine, not a slow one.
    expect((cpu.user + cpu.system) / 1000).toBeLessThan(2_000);
  });
});

/** SSE text for events, written with a given line ending, with comments between events. */
function sse(events: string[][], eol: string, comments: boolean, bom: boolean): string {
  let text = bom ? "\ufeff" : "";
  for (const lines of events) {
    if (comments) text += `: keep-alive${eol}`;
    for (const line of lines) text += `data: ${line}${eol}`;
    text += eol;
  }
  return text;
}

describe("SseDecoder on hostile input", () => {
  it("a chunk of half a million lines without a colon is read in time linear in its size", () => {
    const chunk = new TextEncoder().encode("x\n".repeat(512 * 1024));
    const started = process.cpuUsage();
    expect(decode([chunk])).toEqual([]);
    const cpu = process.cpuUsage(started);
    // A search for the colon past each line's end would cross every line after it: minutes.
    expect((cpu.user + cpu.system) / 1000).toBeLessThan(2_000);
  });
});

describe("SseDecoder properties", () => {
  // Data lines never hold a line end; anything else, multi-byte characters included.
  const line = fc.string({ unit: "grapheme", maxLength: 20 }).filter((l) => !/[\r\n]/.test(l));
  const events = fc.array(fc.array(line, { minLength: 1, maxLength: 3 }), { maxLength: 8 });

  it("any split, any line ending, comments and a BOM: the same events", () => {
    fc.assert(
      fc.property(
        events,
        fc.constantFrom("\n", "\r\n", "\r"),
        fc.boolean(),
        fc.boolean(),
        fc.array(fc.nat(), { maxLength: 12 }),
        (evs, eol, comments, bom, cuts) => {
          const bytes = Buffer.from(sse(evs, eol, comments, bom));
          const seen = decode(splitAt(bytes, cuts)).filter((s) => s[0] === "data");
          // A data line "x" written as `data: x` reads back as "x" (one leading space dropped).
          const expected = evs.map((lines) => ["data", lines.join("\n"), undefined]);
          expect(seen).toEqual(expected);
        },
      ),
    );
  });

  it("any bytes as data, any split: decoded as Buffer#toString does (U+FFFD for what is not UTF-8)", () => {
    // The values a line may hold: anything but CR and LF, valid UTF-8 or not.
    const value = fc
      .uint8Array({ maxLength: 40 })
      .map((raw) => raw.filter((b) => b !== 10 && b !== 13));
    fc.assert(
      fc.property(
        fc.array(value, { minLength: 1, maxLength: 6 }),
        fc.array(fc.nat(), { maxLength: 12 }),
        (values, cuts) => {
          const prefix = new TextEncoder().encode("data: ");
          const parts = values.flatMap((v) => [prefix, v, Uint8Array.of(10, 10)]);
          const bytes = Uint8Array.from(parts.flatMap((part) => [...part]));
          const seen = decode(splitAt(bytes, cuts));
          expect(seen).toEqual(
            values.map((v) => ["data", Buffer.from(v).toString("utf8"), undefined]),
          );
        },
      ),
    );
  });

  it("the limit counts an event's bytes, not its characters, however the stream is cut, a byte order mark or not", () => {
    const line = fc.string({ unit: "grapheme", maxLength: 30 }).filter((l) => !/[\r\n]/.test(l));
    fc.assert(
      fc.property(
        fc.array(fc.array(line, { minLength: 1, maxLength: 3 }), { minLength: 1, maxLength: 5 }),
        fc.integer({ min: 1, max: 200 }),
        fc.array(fc.nat(), { maxLength: 12 }),
        fc.boolean(),
        (events, limit, cuts, bom) => {
          const text = events.map((lines) => `${lines.map((l) => `data: ${l}\n`).join("")}\n`);
          const bytes = Buffer.from((bom ? "\ufeff" : "") + text.join(""));
          // The rule, on bytes: the lines of one event (terminators left out) within the limit;
          // the stream's byte order mark, dropped, counts in none.
          const over = events.some(
            (lines) => lines.reduce((n, l) => n + Buffer.byteLength(`data: ${l}`), 0) > limit,
          );
          const run = () => decode(splitAt(bytes, cuts), limit);
          if (over) expect(run).toThrow("too big");
          else expect(run()).toHaveLength(events.length);
        },
      ),
    );
  });

  it("the stream's byte order mark counts against no event's limit, its first line read whole or in pieces", () => {
    // "data: abc" is 9 bytes: within a limit of 9 whether its line ends in this read or the next.
    for (const chunks of [["\ufeffdata: abc\n\n"], ["\ufeffdata: abc", "\n\n"]]) {
      expect(decode(chunks, 9)).toEqual([["data", "abc", undefined]]);
      expect(() => decode(chunks, 8)).toThrow("too big");
    }
    // The mark itself cut across reads, at the smallest limits.
    for (const limit of [0, 1])
      for (const chunks of [
        [new Uint8Array([0xef]), new Uint8Array([0xbb, 0xbf, 0x0a, 0x0a])],
        [new Uint8Array([0xef, 0xbb]), new Uint8Array([0xbf, 0x0a, 0x0a])],
      ])
        expect(decode(chunks, limit)).toEqual([]);
    // A first read of text outside ASCII whose event is still open at its end: "data: é" (8
    // bytes) and then "data" (4) make 12.
    const open = ["\ufeffdata: é\n", "data\n\n"];
    expect(decode(open, 12)).toEqual([["data", "é\n", undefined]]);
    expect(() => decode(open, 11)).toThrow("too big");
  });

  it("random bytes give events or the size error, nothing else", () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 400 }),
        fc.array(fc.nat(), { maxLength: 8 }),
        (raw, cuts) => {
          try {
            const seen = decode(splitAt(Buffer.from(raw), cuts), 256);
            for (const item of seen) expect(["data", "comment"]).toContain(item[0]);
          } catch (error) {
            expect((error as Error).message).toBe("too big");
          }
        },
      ),
    );
  });
});
