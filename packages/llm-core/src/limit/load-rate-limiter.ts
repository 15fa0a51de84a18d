import { ConfigError } from "@loom/llm-types";
import type { RateLimiter } from "./rate-limiter.js";

/**
 * The limiter of limits already checked, its module imported dynamically (`RateLimitGate`); a
 * failed import (a chunk missing from an app's bundle, a network failure in a browser) is a
 * `ConfigError` saying so, which every request at the gate then fails with.
 */
export async function loadRateLimiter(
  requests: number | undefined,
  tokens: number | undefined,
  windowMs: number,
  load: () => Promise<typeof import("./rate-limiter.js")> = () => import("./rate-limiter.js"),
): Promise<RateLimiter> {
  let module: typeof import("./rate-limiter.js");
  try {
    module = await load();
  } catch (cause) {
    throw new ConfigError({
      message: `the rate limit could not be loaded (is its module missing from the bundle?): ${cause instanceof Error ? cause.message : String(cause)}`,
      issues: [{ path: "rateLimit", message: "could not be loaded" }],
      cause,
    });
  }
  return new module.RateLimiter(requests, tokens, windowMs);
}
