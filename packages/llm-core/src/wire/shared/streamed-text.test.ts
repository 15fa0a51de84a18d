import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { StreamedText, textOf } from "./streamed-text.js";

describe("StreamedText", () => {
  it("is the pieces joined, however often and whenever it is read", () => {
    // Reads between pushes (an error quoting the text so far, then more pieces) change nothing.
    fc.assert(
      fc.property(
        fc.array(fc.record({ piece: fc.string({ unit: "grapheme" }), read: fc.boolean() })),
        (steps) => {
          const text = new StreamedText();
          let expected = "";
          for (const { piece, read } of steps) {
            text.push(piece);
            expected += piece;
            if (read) expect(text.toString()).toBe(expected);
          }
          expect(text.toString()).toBe(expected);
          expect(text.toString()).toBe(expected);
          expect(text.empty).toBe(steps.length === 0);
        },
      ),
    );
  });

  it("begins with the text it is given, and says whether a piece came", () => {
    const none = new StreamedText();
    expect(none.empty).toBe(true);
    expect(none.toString()).toBe("");
    const given = new StreamedText('{"a":');
    expect(given.empty).toBe(false);
    given.push("1}");
    expect(`${given}`).toBe('{"a":1}');
    // A response has no reasoning (undefined) unless some came.
    expect(textOf(none)).toBeUndefined();
    expect(textOf(given)).toBe('{"a":1}');
  });
});
