import {
  AbortError,
  AuthenticationError,
  BadRequestError,
  ConnectionError,
  InvalidResponseError,
  TimeoutError,
} from "@loom/llm-types";
import { createStatusError } from "@loom/llm-utils";
import { describe, expect, it } from "vitest";
import { decideRetry, type RetryInput } from "./retry-decision.js";

const base = {
  attempt: 1,
  maxRetries: 2,
  maxRetryDelayMs: 60_000,
  delivered: false,
  responseStarted: false,
  staleRetried: false,
  random: () => 0.5,
};
const stale = () => new ConnectionError({ message: "closed", code: "UND_ERR_SOCKET" });
const status = (code: number, extra: { retryAfterMs?: number; shouldRetry?: boolean } = {}) =>
  createStatusError({ status: code, body: "", ...extra });

describe("decideRetry", () => {
  it.each<[string, Partial<RetryInput>, { retry: boolean; delayMs?: number }]>([
    [
      "connection refused",
      { error: new ConnectionError({ message: "refused", code: "ECONNREFUSED" }) },
      { retry: true, delayMs: 250 },
    ],
    [
      "timeout before the first byte",
      { error: new TimeoutError({ timeoutMs: 10 }) },
      { retry: true, delayMs: 250 },
    ],
    [
      "timeout after chunks were delivered",
      { error: new TimeoutError({ timeoutMs: 10, phase: "idle", retryable: false }) },
      { retry: false },
    ],
    ...[408, 409, 429, 500, 502, 503, 504].map(
      (code): [string, Partial<RetryInput>, { retry: boolean; delayMs?: number }] => [
        `${code}`,
        { error: status(code) },
        { retry: true, delayMs: 250 },
      ],
    ),
    ...[400, 401, 402, 403, 404, 422, 501].map(
      (code): [string, Partial<RetryInput>, { retry: boolean }] => [
        `${code}`,
        { error: status(code) },
        { retry: false },
      ],
    ),
    [
      "x-should-retry: true on a 400",
      { error: status(400, { shouldRetry: true }) },
      { retry: true, delayMs: 250 },
    ],
    [
      "x-should-retry: false on a 503",
      { error: status(503, { shouldRetry: false }) },
      { retry: false },
    ],
    ["an abort", { error: new AbortError() }, { retry: false }],
    ["malformed JSON", { error: new InvalidResponseError({ message: "bad" }) }, { retry: false }],
    ["a plain Error (a bug)", { error: new TypeError("x is undefined") }, { retry: false }],
    [
      "Retry-After within the cap is honoured exactly",
      { error: status(429, { retryAfterMs: 1_000 }) },
      { retry: true, delayMs: 1_000 },
    ],
    [
      "Retry-After on a 503 too",
      { error: status(503, { retryAfterMs: 2_000 }) },
      { retry: true, delayMs: 2_000 },
    ],
    [
      "Retry-After over the cap: give up at once",
      { error: status(429, { retryAfterMs: 3_600_000 }) },
      { retry: false },
    ],
    ["retries exhausted", { error: status(503), attempt: 3 }, { retry: false }],
    ["maxRetries 0", { error: status(503), maxRetries: 0 }, { retry: false }],
    [
      "second attempt doubles the ceiling",
      { error: status(503), attempt: 2 },
      { retry: true, delayMs: 500 },
    ],
    [
      "the ceiling is capped at 8 s",
      { error: status(503), attempt: 9, maxRetries: 10 },
      { retry: true, delayMs: 4_000 },
    ],
  ])("%s", (_name, input, expected) => {
    const decision = decideRetry({ ...base, error: undefined, ...input });
    expect(decision.retry).toBe(expected.retry);
    if (expected.delayMs !== undefined && decision.retry)
      expect(decision.delayMs).toBe(expected.delayMs);
  });

  it("full jitter spans [0, ceiling)", () => {
    expect(
      decideRetry({ ...base, error: status(503), attempt: 3, maxRetries: 5, random: () => 0 }),
    ).toMatchObject({ delayMs: 0 });
    expect(
      decideRetry({
        ...base,
        error: status(503),
        attempt: 3,
        maxRetries: 5,
        random: () => 0.999999,
      }),
    ).toMatchObject({ delayMs: 1_999 });
  });

  it("explains a refusal", () => {
    expect(
      decideRetry({ ...base, error: new AuthenticationError({ message: "no", status: 401 }) })
        .reason,
    ).toBe("AuthenticationError is not retryable");
    expect(
      decideRetry({ ...base, error: new BadRequestError({ message: "no", status: 400 }) }).retry,
    ).toBe(false);
  });

  it.each<[string, Partial<RetryInput>, { retry: boolean; delayMs?: number; free?: boolean }]>([
    [
      "a stale keep-alive socket: at once, free",
      { error: stale() },
      { retry: true, delayMs: 0, free: true },
    ],
    [
      "a stale socket even with no retries allowed",
      { error: stale(), maxRetries: 0 },
      { retry: true, delayMs: 0, free: true },
    ],
    [
      "a second stale socket counts as an ordinary retry",
      { error: stale(), staleRetried: true },
      { retry: true, delayMs: 250, free: false },
    ],
    [
      "a second stale socket with no retries left",
      { error: stale(), staleRetried: true, maxRetries: 0 },
      { retry: false },
    ],
    [
      "a closed socket marked not retryable is not stale",
      {
        error: new ConnectionError({ message: "closed", code: "UND_ERR_SOCKET", retryable: false }),
      },
      { retry: false },
    ],
    [
      "a refused connection is not stale",
      { error: new ConnectionError({ message: "refused", code: "ECONNREFUSED" }) },
      { retry: true, delayMs: 250, free: false },
    ],
    [
      "a 503 after a chunk was delivered",
      { error: status(503), delivered: true },
      { retry: false },
    ],
    [
      "a stale socket after a chunk was delivered",
      { error: stale(), delivered: true },
      { retry: false },
    ],
    [
      "a 429 with Retry-After after a chunk was delivered",
      { error: status(429, { retryAfterMs: 10 }), delivered: true },
      { retry: false },
    ],
  ])("%s", (_name, input, expected) => {
    const decision = decideRetry({ ...base, error: undefined, ...input });
    expect(decision.retry).toBe(expected.retry);
    if (decision.retry) {
      if (expected.delayMs !== undefined) expect(decision.delayMs).toBe(expected.delayMs);
      if (expected.free !== undefined) expect(decision.free).toBe(expected.free);
    }
  });
});
