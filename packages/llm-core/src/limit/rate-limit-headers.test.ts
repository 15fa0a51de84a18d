import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
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

  it("reads a fetch Headers and records in any case, as the lower-case record", () => {
    const sent = {
      "X-RateLimit-Remaining-Requests": "7",
      "X-RateLimit-Reset-Requests": "1.5s",
      "x-ratelimit-remaining-tokens": "900",
    };
    const expected = { remainingRequests: 7, resetRequestsMs: 1_500, remainingTokens: 900 };
    expect(readRateLimitHeaders(sent)).toEqual(expected);
    expect(readRateLimitHeaders(new Headers(sent))).toEqual(expected);
    const now = Date.parse("2026-12-06T14:00:00Z");
    const anthropic = new Headers({
      "Anthropic-RateLimit-Tokens-Remaining": "10",
      "Anthropic-RateLimit-Tokens-Reset": "2026-12-06T14:00:02Z",
    });
    expect(readRateLimitHeaders(anthropic, now)).toEqual({
      remainingTokens: 10,
      resetTokensMs: 2_000,
    });
    // A header named `get` is a header, not a fetch `Headers`.
    expect(readRateLimitHeaders({ get: "x", "x-ratelimit-remaining-tokens": "3" })).toEqual({
      remainingTokens: 3,
    });
    expect(readRateLimitHeaders(new Headers({ "content-type": "text/plain" }))).toBeUndefined();
  });

  it("a repeated header reads as its first value in every form; odd values are nothing", () => {
    const twice = new Headers();
    twice.append("x-ratelimit-remaining-requests", "5");
    twice.append("x-ratelimit-remaining-requests", "7");
    twice.append("x-ratelimit-reset-requests", "1s, 2s");
    for (const headers of [
      twice,
      { "x-ratelimit-remaining-requests": ["5", "7"], "x-ratelimit-reset-requests": ["1s", "2s"] },
      { "x-ratelimit-remaining-requests": "5, 7", "x-ratelimit-reset-requests": "1s, 2s" },
    ])
      expect(readRateLimitHeaders(headers)).toEqual({
        remainingRequests: 5,
        resetRequestsMs: 1_000,
      });
    // What JavaScript may hand over: numbers read as written, anything else is nothing.
    const loose = (record: Record<string, unknown>) =>
      readRateLimitHeaders(record as Record<string, string>);
    expect(loose({ "x-ratelimit-remaining-requests": 5, "x-ratelimit-reset-requests": 2 })).toEqual(
      { remainingRequests: 5, resetRequestsMs: 2_000 },
    );
    expect(loose({ "x-ratelimit-remaining-requests": [5] })).toEqual({ remainingRequests: 5 });
    expect(loose({ "x-ratelimit-remaining-requests": { a: 1 } })).toBeUndefined();
    expect(loose({ "x-ratelimit-remaining-requests": null })).toBeUndefined();
    // Too large to count or to wait for: left out, never Infinity.
    expect(
      readRateLimitHeaders({
        "x-ratelimit-remaining-requests": "9".repeat(400),
        "x-ratelimit-remaining-tokens": "3",
        "x-ratelimit-reset-tokens": "9".repeat(400),
      }),
    ).toEqual({ remainingTokens: 3 });
  });

  it("reads the response of a real fetch over loopback", async () => {
    const server = createServer((_request, response) => {
      response.writeHead(200, {
        "X-RateLimit-Remaining-Requests": "41",
        "X-RateLimit-Reset-Requests": "2m",
      });
      response.end("{}");
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    try {
      const { port } = server.address() as AddressInfo;
      const response = await fetch(`http://127.0.0.1:${port}/`);
      await response.text();
      expect(readRateLimitHeaders(response.headers)).toEqual({
        remainingRequests: 41,
        resetRequestsMs: 120_000,
      });
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
