import { describe, expect, it } from "vitest";
import { anthropicError, anthropicErrorEvent } from "./anthropic-error.js";

describe("anthropicError", () => {
  it("the documented body and the request-id header", () => {
    expect(anthropicError(529, "overloaded_error", "Overloaded")).toEqual({
      type: "error",
      status: 529,
      headers: { "request-id": "req_fake" },
      body: {
        type: "error",
        error: { type: "overloaded_error", message: "Overloaded" },
        request_id: "req_fake",
      },
    });
  });

  it("a 429: retry-after and every anthropic-ratelimit-* header, the requests limit spent", () => {
    const before = Date.now();
    const reply = anthropicError(429, "rate_limit_error", "slow down", { retryAfterSeconds: 30 });
    const headers = reply.headers ?? {};
    expect(headers["retry-after"]).toBe("30");
    expect(headers["anthropic-ratelimit-requests-remaining"]).toBe("0");
    for (const kind of ["requests", "tokens", "input-tokens", "output-tokens"]) {
      expect(headers[`anthropic-ratelimit-${kind}-limit`]).toMatch(/^\d+$/);
      expect(headers[`anthropic-ratelimit-${kind}-remaining`]).toMatch(/^\d+$/);
      // RFC 3339, whole seconds, as the API writes them.
      const reset = headers[`anthropic-ratelimit-${kind}-reset`] ?? "";
      expect(reset).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
      expect(Date.parse(reset)).toBeGreaterThanOrEqual(before + 29_000);
    }
    expect(anthropicError(429, "rate_limit_error", "x").headers?.["retry-after"]).toBe("1");
    expect(
      anthropicError(429, "rate_limit_error", "x", { retryAfterSeconds: null }).headers?.[
        "retry-after"
      ],
    ).toBeUndefined();
  });

  it("retry-after on any status when asked; own headers and request id win", () => {
    const reply = anthropicError(529, "overloaded_error", "x", {
      retryAfterSeconds: 2,
      requestId: "req_011",
      headers: { "x-should-retry": "true" },
    });
    expect(reply.headers).toEqual({
      "request-id": "req_011",
      "retry-after": "2",
      "x-should-retry": "true",
    });
    expect(reply.body).toMatchObject({ request_id: "req_011" });
  });

  it("the in-stream error event", () => {
    expect(anthropicErrorEvent("api_error", "Internal server error")).toEqual({
      event: "error",
      data: '{"type":"error","error":{"type":"api_error","message":"Internal server error"}}',
    });
  });
});
