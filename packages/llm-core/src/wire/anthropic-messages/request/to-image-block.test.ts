import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { toImageBlock } from "./to-image-block.js";

/** The base64 data of the block made from `url`. */
function data(url: string): unknown {
  return (toImageBlock(url).source as { data: unknown }).data;
}

describe("toImageBlock", () => {
  it("a percent-encoded data URL: %XX bytes (not characters) and UTF-8 text, in base64", () => {
    // %FF and %e9 are single bytes; "é" written as is is its two UTF-8 bytes; "%zz" and a
    // trailing "%4" are no escapes and stay as they are.
    const url = "data:image/svg+xml,%3Csvg%3E%FF%e9é%zz%4";
    const bytes = Buffer.concat([
      Buffer.from("<svg>"),
      Buffer.from([0xff, 0xe9]),
      Buffer.from("é%zz%4"),
    ]);
    expect(toImageBlock(url)).toEqual({
      type: "image",
      source: { type: "base64", media_type: "image/svg+xml", data: bytes.toString("base64") },
    });
  });

  it("any bytes, percent-encoded, come back as their base64, however long", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 100_000 }), (raw) => {
        const encoded = [...raw].map((b) => `%${b.toString(16).padStart(2, "0")}`).join("");
        expect(data(`data:application/octet-stream,${encoded}`)).toBe(
          Buffer.from(raw).toString("base64"),
        );
      }),
      { numRuns: 20 },
    );
  });

  it("a base64 data URL is sent as it is; any other URL for Anthropic to fetch", () => {
    expect(data("data:image/png;base64,iVBORw0KGgo=")).toBe("iVBORw0KGgo=");
    expect(toImageBlock("https://example.com/a.png")).toEqual({
      type: "image",
      source: { type: "url", url: "https://example.com/a.png" },
    });
  });
});
