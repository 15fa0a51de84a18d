import {
  type CallGate,
  ConfigError,
  type ConfigIssue,
  type GateEntry,
  type GatePass,
} from "@loom/llm-types";
import { MAX_TIMER_MS, type NumberRule, numberProblem } from "@loom/llm-utils";
import { loadRateLimiter } from "./load-rate-limiter.js";
import type { RateLimiter } from "./rate-limiter.js";

// A limit, or a window no longer than the longest wait a timer holds (a longer one fires at
// once).
const LIMIT: NumberRule = { min: 1, max: MAX_TIMER_MS, integer: true };

/** Requests and tokens a provider account allows per window. */
export interface RateLimitOptions {
  requestsPerMinute?: number | undefined;
  tokensPerMinute?: number | undefined;
  /** The window the limits count over. @default 60000 (a minute; tests use a second) */
  windowMs?: number | undefined;
}

/**
 * A rate limit in this process: requests and tokens per window (never more in any window of
 * that length), for every call of the clients that share it. A request waits (abortably, and
 * never past its call's deadline) until both allow it, in the order requests arrived; its token
 * estimate is counted first and corrected by the usage the server reports. The provider's own
 * `x-ratelimit-*` headers and a 429's `Retry-After` lower what is left, so a fleet slows down
 * before the 429s rather than after.
 *
 * The limits are checked when the gate is made; what counts and holds requests (`RateLimiter`)
 * is imported dynamically, from then on, so a bundler puts it in a chunk of its own and an app
 * without a rate limit neither ships nor loads it. Requests that come while it loads wait for
 * it, and pass in the order they came.
 */
export class RateLimitGate implements CallGate {
  readonly name = "rate-limit";
  #limiter: RateLimiter | undefined;
  readonly #loading: Promise<RateLimiter>;

  constructor(options: RateLimitOptions) {
    const windowMs = options.windowMs ?? 60_000;
    const { requestsPerMinute: requests, tokensPerMinute: tokens } = options;
    const issues: ConfigIssue[] = [];
    for (const [path, value] of [
      ["requestsPerMinute", requests],
      ["tokensPerMinute", tokens],
      ["windowMs", windowMs],
    ] as const) {
      const problem = value === undefined ? undefined : numberProblem(value, LIMIT);
      if (problem !== undefined) issues.push({ path, message: problem });
    }
    if (issues.length > 0) throw new ConfigError({ issues });
    this.#loading = loadRateLimiter(requests, tokens, windowMs);
    // Seen by the first request; a gate that never has one leaves no unhandled rejection.
    this.#loading.catch(() => {});
  }

  enter(entry: GateEntry, signal: AbortSignal | undefined): Promise<GatePass> {
    const limiter = this.#limiter;
    if (limiter !== undefined) return limiter.enter(entry, signal);
    // Each waiting request enters in its own `then`, run in the order they were registered:
    // the order the requests came, whatever else runs in between.
    return this.#loading.then((loaded) => {
      this.#limiter = loaded;
      return loaded.enter(entry, signal);
    });
  }
}
