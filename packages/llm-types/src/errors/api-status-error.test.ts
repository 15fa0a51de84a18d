import { describe, expect, it } from "vitest";
import { APIStatusError, isRetryableStatus } from "./api-status-error.js";
import { RateLimitError } from "./rate-limit-error.js";

describe("APIStatusError: retryable by status", () => {
  it.each([
    [400, false],
    [401, false],
    [404, false],
    [408, true],
    [409, true],
    [418, false],
    [429, true],
    [500, true],
    [501, false],
    [502, true],
    [503, true],
    [505, false],
    [520, true],
    [529, true],
    [600, false],
  ])("%i: %s", (status, retryable) => {
    expect(isRetryableStatus(status)).toBe(retryable);
    expect(new APIStatusError({ message: "", status }).retryable).toBe(retryable);
  });

  it("an explicit retryable wins over the status", () => {
    expect(new APIStatusError({ message: "", status: 503, retryable: false }).retryable).toBe(
      false,
    );
    expect(new RateLimitError({ message: "", status: 429, retryable: false }).retryable).toBe(
      false,
    );
  });
});
