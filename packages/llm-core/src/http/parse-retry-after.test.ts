import { describe, expect, it } from "vitest";
import { parseRetryAfter, type RetryAfterHeaders } from "./parse-retry-after.js";

const NOW = Date.parse("Wed, 25 Nov 2026 12:00:00 GMT");

describe("parseRetryAfter", () => {
  it.each<[string, RetryAfterHeaders, number | undefined]>([
    ["nothing", {}, undefined],
    ["seconds", { "retry-after": "1" }, 1_000],
    ["an hour", { "retry-after": "3600" }, 3_600_000],
    ["fractional seconds", { "retry-after": "0.5" }, 500],
    ["zero", { "retry-after": "0" }, 0],
    ["padded", { "retry-after": " 2 " }, 2_000],
    ["an HTTP date 30 s ahead", { "retry-after": "Wed, 25 Nov 2026 12:00:30 GMT" }, 30_000],
    ["an HTTP date in the past", { "retry-after": "Wed, 25 Nov 2026 11:00:00 GMT" }, 0],
    ["milliseconds win over seconds", { "retry-after-ms": "250", "retry-after": "1" }, 250],
    ["fractional milliseconds round up", { "retry-after-ms": "12.2" }, 13],
    [
      "bad milliseconds fall back to seconds",
      { "retry-after-ms": "soon", "retry-after": "3" },
      3_000,
    ],
    ["negative seconds", { "retry-after": "-5" }, undefined],
    ["garbage", { "retry-after": "later" }, undefined],
    ["a bare number-like date", { "retry-after": "2026-13-45" }, undefined],
    ["empty", { "retry-after": "" }, undefined],
    ["repeated header", { "retry-after": ["4", "9"] }, 4_000],
  ])("%s", (_name, headers, expected) => {
    expect(parseRetryAfter(headers, NOW)).toBe(expected);
  });
});
