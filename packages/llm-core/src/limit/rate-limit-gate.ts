import {
  type CallGate,
  ConfigError,
  type ConfigIssue,
  type GateEntry,
  type GatePass,
  TimeoutError,
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
 * it, and pass in the order they came; such a wait ends as every wait here does, at an abort,
 * `close()` or the call's deadline. A load that failed is tried again by the next request.
 */
export class RateLimitGate implements CallGate {
  readonly name = "rate-limit";
  #limiter: RateLimiter | undefined;
  /** The limiter loading, or undefined once it failed: the next request loads it again. */
  #loading: Promise<RateLimiter> | undefined;
  readonly #load: () => Promise<RateLimiter>;

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
    this.#load = () => loadRateLimiter(requests, tokens, windowMs);
    // Started now, so the first request seldom waits for it.
    this.#startLoading();
  }

  enter(entry: GateEntry, signal: AbortSignal | undefined): Promise<GatePass> {
    const limiter = this.#limiter;
    if (limiter !== undefined) return limiter.enter(entry, signal);
    if (signal?.aborted === true) return Promise.reject(signal.reason);
    const loading = this.#loading ?? this.#startLoading();
    return new Promise<GatePass>((resolve, reject) => {
      let settled = false;
      let timer: ReturnType<typeof setTimeout> | undefined;
      const settle = (): boolean => {
        if (settled) return false;
        settled = true;
        signal?.removeEventListener("abort", onAbort);
        if (timer !== undefined) clearTimeout(timer);
        return true;
      };
      const onAbort = () => {
        if (settle()) reject(signal?.reason);
      };
      signal?.addEventListener("abort", onAbort, { once: true });
      const deadline = entry.deadline;
      const started = performance.now();
      // A deadline further off than a timer holds (a longer one fires at once) is none here.
      if (deadline !== undefined && deadline - started <= MAX_TIMER_MS) {
        timer = setTimeout(
          () => {
            if (!settle()) return;
            reject(
              new TimeoutError({
                timeoutMs: Math.round(deadline - started),
                phase: "rate-limit",
                message: `${entry.provider}: the rate limit was still loading at this request's deadline; nothing was sent`,
                retryable: false,
                provider: entry.provider,
                model: entry.model,
              }),
            );
          },
          Math.max(0, deadline - started),
        );
      }
      // Each waiting request enters in its own `then`, run in the order they were registered:
      // the order the requests came, whatever else runs in between.
      loading.then(
        (loaded) => {
          this.#limiter = loaded;
          if (settle()) loaded.enter(entry, signal).then(resolve, reject);
        },
        (error: unknown) => {
          if (settle()) reject(error);
        },
      );
    });
  }

  #startLoading(): Promise<RateLimiter> {
    const loading = this.#load();
    this.#loading = loading;
    loading.catch(() => {
      // Tried again by the next request; meanwhile no unhandled rejection.
      if (this.#loading === loading) this.#loading = undefined;
    });
    return loading;
  }
}
