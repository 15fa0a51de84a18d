import { describe, expect, it } from "vitest";
import { duration, readRateLimitHeaders } from "./rate-limit-headers.js";

describe("readRateLimitHeaders", () => {
  it("reads OpenAI's headers, durations as it writes them", () => {
    expect(
      readRateLimitHeaders({
        "x-ratelimit-limit-requests": "10000",
        "x-ratelimit-remaining-requests": "9999",
        "x-ratelimit-reset-requests": "6ms",
        "x-ratelimit-remaining-tokens": "149984",
        "x-ratelimit-reset-tokens": "6m0s",
      }),
    ).toEqual({
      remainingRequests: 9999,
      resetRequestsMs: 6,
      remainingTokens: 149984,
      resetTokensMs: 360_000,
    });
  });

  it("nothing to read: undefined; unreadable values are left out, not guessed", () => {
    expect(readRateLimitHeaders({ "content-type": "application/json" })).toBeUndefined();
    expect(readRateLimitHeaders(undefined)).toBeUndefined();
    expect(
      readRateLimitHeaders({
        "x-ratelimit-remaining-requests": "-1",
        "x-ratelimit-remaining-tokens": "12",
        "x-ratelimit-reset-tokens": "soon",
      }),
    ).toEqual({ remainingTokens: 12 });
  });

  it.each([
    ["1s", 1_000],
    ["20ms", 20],
    ["1m30.5s", 90_500],
    ["1h2m3s", 3_723_000],
    ["2", 2_000],
    ["0.5", 500],
    ["", undefined],
    ["5x", undefined],
    ["m", undefined],
  ])("duration %j is %j ms", (text, ms) => {
    expect(duration(text)).toBe(ms);
  });

  it("reads Anthropic's headers: resets are times, read against now", () => {
    const now = Date.parse("2026-12-06T14:00:00Z");
    expect(
      readRateLimitHeaders(
        {
          "anthropic-ratelimit-requests-remaining": "49",
          "anthropic-ratelimit-requests-reset": "2026-12-06T14:00:01.5Z",
          "anthropic-ratelimit-tokens-remaining": "39000",
          "anthropic-ratelimit-tokens-reset": "2026-12-06T15:00:00+01:00",
        },
        now,
      ),
    ).toEqual({
      remainingRequests: 49,
      remainingTokens: 39_000,
      resetRequestsMs: 1_500,
      resetTokensMs: 0,
    });
    // A time without a zone, or not a time at all, is left out rather than read as local time.
    expect(
      readRateLimitHeaders(
        {
          "anthropic-ratelimit-requests-remaining": "3",
          "anthropic-ratelimit-requests-reset": "2026-12-06T14:00:01",
          "anthropic-ratelimit-tokens-reset": "soon",
        },
        now,
      ),
    ).toEqual({ remainingRequests: 3 });
  });
});
