import { ConfigError } from "@loom/llm-types";
import { describe, expect, it } from "vitest";
import { loadRateLimiter } from "./load-rate-limiter.js";
import { RateLimiter } from "./rate-limiter.js";

describe("loadRateLimiter", () => {
  it("makes the limiter of the limits from its module", async () => {
    expect(await loadRateLimiter(3, undefined, 1_000)).toBeInstanceOf(RateLimiter);
  });

  it("a module that cannot be imported is a ConfigError naming the rate limit, with its cause", async () => {
    const cause = new TypeError("Failed to fetch dynamically imported module: rate-limiter.js");
    const error = await loadRateLimiter(3, undefined, 1_000, () => Promise.reject(cause)).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(ConfigError);
    expect(error).toMatchObject({
      message: expect.stringContaining(
        "the rate limit could not be loaded (is its module missing from the bundle?): Failed to fetch",
      ),
      issues: [{ path: "rateLimit", message: "could not be loaded" }],
      cause,
    });
  });
});
