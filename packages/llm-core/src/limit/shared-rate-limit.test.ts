// The process's gates for configs' `rateLimit`: one per account, shared by its clients, and
// forgotten a window after the last of them was closed (fake timers: the window is a minute).
import type { LLMConfig } from "@loom/llm-types";
import { afterEach, describe, expect, it, vi } from "vitest";
import { sharedRateLimit } from "./shared-rate-limit.js";

const config = (requestsPerMinute: number, baseUrl = "http://127.0.0.1:9/v1") =>
  ({ provider: "p", baseUrl, rateLimit: { requestsPerMinute } }) as unknown as LLMConfig;

afterEach(() => {
  vi.useRealTimers();
});

describe("sharedRateLimit", () => {
  it("one gate per account while a client holds it, forgotten a window after the last let go", () => {
    vi.useFakeTimers();
    const a = sharedRateLimit(config(7));
    const b = sharedRateLimit(config(7));
    expect(a?.gate).toBe(b?.gate);
    expect(sharedRateLimit(config(8))?.gate).not.toBe(a?.gate);
    a?.release();
    a?.release();
    vi.advanceTimersByTime(120_000);
    // b still holds it.
    expect(sharedRateLimit(config(7))?.gate).toBe(b?.gate);
  });

  it("a client made again within the window gets the same gate (what it counted still holds)", () => {
    vi.useFakeTimers();
    const first = sharedRateLimit(config(5, "http://127.0.0.1:10/v1"));
    first?.release();
    vi.advanceTimersByTime(30_000);
    const again = sharedRateLimit(config(5, "http://127.0.0.1:10/v1"));
    expect(again?.gate).toBe(first?.gate);
    again?.release();
    vi.advanceTimersByTime(60_000);
    // Nobody held it for a whole window: a new one.
    expect(sharedRateLimit(config(5, "http://127.0.0.1:10/v1"))?.gate).not.toBe(first?.gate);
  });

  it("none without a limit", () => {
    expect(sharedRateLimit({ provider: "p", baseUrl: "http://x/v1" } as LLMConfig)).toBeUndefined();
  });
});
