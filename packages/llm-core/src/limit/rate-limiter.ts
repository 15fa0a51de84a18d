import type { GateEntry, GateOutcome, GatePass } from "@loom/llm-types";
import { TimeoutError } from "@loom/llm-types";
import { MAX_TIMER_MS } from "@loom/llm-utils";
import { sleep } from "../retry/sleep.js";
import { readRateLimitHeaders } from "./rate-limit-headers.js";
import { type Entry, SlidingWindow } from "./sliding-window.js";

/** A request's place in line: whether the limit held it, and when it has passed. */
interface Turn {
  held: boolean;
  readonly passed: Promise<void>;
}

/**
 * What a `RateLimitGate` does once loaded: requests and tokens counted over their windows, each
 * request let through in the order it came when both allow it, its count corrected by what the
 * server reports (usage, `Retry-After`, `x-ratelimit-*` headers).
 */
export class RateLimiter {
  readonly #requests: SlidingWindow | undefined;
  readonly #tokens: SlidingWindow | undefined;
  /** The last request in line (none when it is empty): each waits for the one before it. */
  #last: Turn | undefined;
  /**
   * Ends the wait of the request at the head of the line (only it sleeps; the rest wait for the
   * one ahead): a place given back (a request that was never sent) or a count corrected may
   * let it go sooner than the wait it computed.
   */
  #wake: (() => void) | undefined;

  /** Limits already checked (`RateLimitGate`): positive integers, a window a timer can hold. */
  constructor(requests: number | undefined, tokens: number | undefined, windowMs: number) {
    this.#requests = requests === undefined ? undefined : new SlidingWindow(requests, windowMs);
    this.#tokens = tokens === undefined ? undefined : new SlidingWindow(tokens, windowMs);
  }

  async enter(entry: GateEntry, signal: AbortSignal | undefined): Promise<GatePass> {
    // An aborted request takes no place in line, even when it would not have to wait.
    if (signal?.aborted === true) throw signal.reason;
    const started = performance.now();
    let request: Entry | undefined;
    let tokens: Entry | undefined;
    const ahead = this.#last;
    let done = (): void => {};
    const turn: Turn = {
      held: false,
      passed: new Promise((resolve) => {
        done = resolve;
      }),
    };
    this.#last = turn;
    let through = false;
    try {
      if (ahead !== undefined) {
        // Behind another, the deadline still holds: the wait ends at it.
        await abortable(ahead.passed, signal, entry, started);
        // Waiting behind a request the limit held is being held too; behind one that went at
        // once it is not, however long a busy event loop took.
        turn.held = ahead.held;
      }
      for (;;) {
        const now = performance.now();
        const wait = Math.max(
          this.#requests?.waitFor(1, now) ?? 0,
          this.#tokens?.waitFor(entry.estimatedTokens, now) ?? 0,
        );
        if (wait <= 0) break;
        if (entry.deadline !== undefined && now + wait > entry.deadline)
          throw pastDeadline(
            entry,
            started,
            `the rate limit would hold this request for ${Math.ceil(wait)} ms, past its deadline`,
          );
        turn.held = true;
        await this.#sleep(Math.ceil(wait), signal);
      }
      const now = performance.now();
      request = this.#requests?.add(1, now);
      tokens = this.#tokens?.add(entry.estimatedTokens, now);
      through = true;
    } finally {
      if (!through && ahead !== undefined) {
        // Left the line (an abort, a deadline) before the one ahead passed: those behind wait
        // for that one still, or the next to come would go before a request still waiting.
        void ahead.passed.then(done);
      } else {
        if (this.#last === turn) this.#last = undefined;
        done();
      }
    }
    return this.#pass(turn.held ? performance.now() - started : 0, request, tokens);
  }

  /** `sleep`, ended early (resolved) by `#wake`. */
  async #sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
    const woken = new AbortController();
    this.#wake = () => woken.abort(WOKEN);
    try {
      await sleep(
        ms,
        signal === undefined ? woken.signal : AbortSignal.any([signal, woken.signal]),
      );
    } catch (error) {
      if (error !== WOKEN) throw error;
    } finally {
      this.#wake = undefined;
    }
  }

  #pass(waitedMs: number, request: Entry | undefined, tokens: Entry | undefined): GatePass {
    let left = false;
    return {
      waitedMs,
      leave: (outcome: GateOutcome) => {
        if (left) return;
        left = true;
        this.#leave(outcome, request, tokens);
      },
    };
  }

  #leave(outcome: GateOutcome, request: Entry | undefined, tokens: Entry | undefined): void {
    const now = performance.now();
    if (!outcome.sent) {
      // Never reached the server: it counted nothing, and the request waiting may go now.
      if (request !== undefined) this.#requests?.adjust(request, 0, now);
      if (tokens !== undefined) this.#tokens?.adjust(tokens, 0, now);
      this.#wake?.();
      return;
    }
    const usage = outcome.usage;
    if (usage?.reported && tokens !== undefined)
      this.#tokens?.adjust(tokens, usage.totalTokens, now);
    if (outcome.retryAfterMs !== undefined) {
      this.#requests?.hold(outcome.retryAfterMs, now);
      this.#tokens?.hold(outcome.retryAfterMs, now);
    }
    const said = readRateLimitHeaders(outcome.headers);
    if (said?.remainingRequests !== undefined)
      this.#requests?.observe(said.remainingRequests, said.resetRequestsMs, now);
    if (said?.remainingTokens !== undefined)
      this.#tokens?.observe(said.remainingTokens, said.resetTokensMs, now);
    // Usage under the estimate, or the server's own count, may let the waiting request go.
    this.#wake?.();
  }
}

/** Why a sleep ended early: not an abort, a wake. */
const WOKEN = Symbol("woken");

/** The error of a request the limit would hold past its deadline: nothing was sent. */
function pastDeadline(entry: GateEntry, started: number, why: string): TimeoutError {
  return new TimeoutError({
    timeoutMs: Math.round((entry.deadline ?? started) - started),
    phase: "rate-limit",
    message: `${entry.provider}: ${why}; nothing was sent`,
    retryable: false,
    provider: entry.provider,
    model: entry.model,
  });
}

/**
 * `promise` (the turn of the request ahead), or the signal's reason as soon as it aborts, or
 * the entry's deadline's `TimeoutError` when it passes first.
 */
function abortable(
  promise: Promise<void>,
  signal: AbortSignal | undefined,
  entry: GateEntry,
  started: number,
): Promise<void> {
  const deadline = entry.deadline;
  if (signal === undefined && deadline === undefined) return promise;
  if (signal?.aborted === true) return Promise.reject(signal.reason);
  return new Promise((resolve, reject) => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const settle = (error?: unknown) => {
      signal?.removeEventListener("abort", onAbort);
      if (timer !== undefined) clearTimeout(timer);
      if (error === undefined) resolve();
      else reject(error);
    };
    const onAbort = () => settle(signal?.reason);
    signal?.addEventListener("abort", onAbort, { once: true });
    // A deadline further off than a timer holds is no bound here.
    const left = deadline === undefined ? Infinity : deadline - performance.now();
    if (left <= MAX_TIMER_MS)
      timer = setTimeout(
        () =>
          settle(
            pastDeadline(
              entry,
              started,
              "the requests ahead of this one in the rate limit's line held it past its deadline",
            ),
          ),
        Math.max(0, Math.ceil(left)),
      );
    promise.then(
      () => settle(),
      (error: unknown) => settle(error),
    );
  });
}
