import {
  type CallGate,
  ConfigError,
  type ConfigIssue,
  type GateEntry,
  type GateOutcome,
  type GatePass,
  TimeoutError,
} from "@loom/llm-types";
import { MAX_TIMER_MS, type NumberRule, numberProblem } from "@loom/llm-utils";
import { sleep } from "../retry/sleep.js";
import { readRateLimitHeaders } from "./rate-limit-headers.js";

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

/** A request's place in line: whether the limit held it, and when it has passed. */
interface Turn {
  held: boolean;
  readonly passed: Promise<void>;
}

/** One request's share of a window: when it went, and how much it counted. */
interface Entry {
  readonly at: number;
  amount: number;
}

/**
 * One limited quantity over a sliding window: what went out in the last `windowMs` never
 * exceeds `limit`, in any window (a log of entries, not a bucket, which would let a full
 * bucket's burst and its refill through in one window). A request larger than the limit still
 * goes, alone in its window.
 */
class SlidingWindow {
  readonly #limit: number;
  readonly #windowMs: number;
  readonly #entries: Entry[] = [];
  /** The oldest entry still in the window: entries before it are spent. */
  #head = 0;
  #total = 0;
  /** Nothing more until then (`performance.now()`): the provider said none are left. */
  #heldUntil = 0;

  constructor(limit: number, windowMs: number) {
    this.#limit = limit;
    this.#windowMs = windowMs;
  }

  #prune(now: number): void {
    const entries = this.#entries;
    while (this.#head < entries.length) {
      const entry = entries[this.#head] as Entry;
      if (entry.at > now - this.#windowMs) break;
      this.#total -= entry.amount;
      this.#head++;
    }
    // Compact now and then: the array never holds more than a window's entries for long.
    if (this.#head > 1_024 && this.#head * 2 > entries.length) {
      entries.splice(0, this.#head);
      this.#head = 0;
    }
  }

  /** Milliseconds until `amount` more fits in the window. */
  waitFor(amount: number, now: number): number {
    this.#prune(now);
    const held = this.#heldUntil - now;
    const room = this.#limit - Math.min(amount, this.#limit);
    if (this.#total <= room) return Math.max(0, held);
    // The oldest entries leave first: wait for enough of them.
    let total = this.#total;
    for (let i = this.#head; i < this.#entries.length; i++) {
      const entry = this.#entries[i] as Entry;
      total -= entry.amount;
      if (total <= room) return Math.max(held, entry.at + this.#windowMs - now);
    }
    return Math.max(held, this.#windowMs);
  }

  /** Counts `amount` as sent at `at` (now, or earlier for what leaves the window sooner). */
  add(amount: number, at: number): Entry {
    const entry = { at, amount };
    const entries = this.#entries;
    // Kept in time order: almost always at the end.
    let i = entries.length;
    while (i > this.#head && (entries[i - 1] as Entry).at > at) i--;
    entries.splice(i, 0, entry);
    this.#total += amount;
    return entry;
  }

  /** Corrects an entry still in the window (an estimate, once the usage is known). */
  adjust(entry: Entry, amount: number, now: number): void {
    this.#prune(now);
    if (entry.at <= now - this.#windowMs) return;
    this.#total += amount - entry.amount;
    entry.amount = amount;
  }

  /** The provider's own count: never trust more than it says is left. */
  observe(remaining: number, resetMs: number | undefined, now: number): void {
    this.#prune(now);
    const ours = this.#limit - this.#total;
    // What the provider counted and this process did not (other clients of the account),
    // dated so that it leaves the window when the provider says its limit resets.
    const leaves = resetMs === undefined ? this.#windowMs : Math.min(resetMs, this.#windowMs);
    if (remaining < ours) this.add(ours - remaining, now + leaves - this.#windowMs);
    if (remaining === 0 && resetMs !== undefined) this.hold(resetMs, now);
  }

  /**
   * Nothing more for `ms`, at most one window: a provider's limit is whole again after a
   * window whatever its header says, and a far-off reset (`99999999h`) must not stall the
   * process (nor overflow a timer).
   */
  hold(ms: number, now: number): void {
    if (!(ms > 0)) return;
    this.#heldUntil = Math.max(this.#heldUntil, now + Math.min(ms, this.#windowMs));
  }
}

/**
 * A rate limit in this process: requests and tokens per window (never more in any window of
 * that length), for every call of the clients that share it. A request waits (abortably, and never past its call's deadline) until both
 * allow it, in the order requests arrived; its token estimate is counted first and corrected by
 * the usage the server reports. The provider's own `x-ratelimit-*` headers and a 429's
 * `Retry-After` lower what is left, so a fleet slows down before the 429s rather than after.
 */
export class RateLimitGate implements CallGate {
  readonly name = "rate-limit";
  readonly #requests: SlidingWindow | undefined;
  readonly #tokens: SlidingWindow | undefined;
  /** The last request in line (none when it is empty): each waits for the one before it. */
  #last: Turn | undefined;

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
    this.#requests = requests === undefined ? undefined : new SlidingWindow(requests, windowMs);
    this.#tokens = tokens === undefined ? undefined : new SlidingWindow(tokens, windowMs);
  }

  async enter(entry: GateEntry, signal: AbortSignal | undefined): Promise<GatePass> {
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
    try {
      if (ahead !== undefined) {
        await abortable(ahead.passed, signal);
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
        if (entry.deadline !== undefined && now + wait > entry.deadline) {
          throw new TimeoutError({
            timeoutMs: Math.round(entry.deadline - started),
            phase: "rate-limit",
            message: `${entry.provider}: the rate limit would hold this request for ${Math.ceil(wait)} ms, past its deadline; nothing was sent`,
            retryable: false,
            provider: entry.provider,
            model: entry.model,
          });
        }
        turn.held = true;
        await sleep(Math.ceil(wait), signal);
      }
      const now = performance.now();
      request = this.#requests?.add(1, now);
      tokens = this.#tokens?.add(entry.estimatedTokens, now);
    } finally {
      if (this.#last === turn) this.#last = undefined;
      done();
    }
    return this.#pass(turn.held ? performance.now() - started : 0, request, tokens);
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
      // Never reached the server: it counted nothing.
      if (request !== undefined) this.#requests?.adjust(request, 0, now);
      if (tokens !== undefined) this.#tokens?.adjust(tokens, 0, now);
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
  }
}

/** `promise`, or the signal's reason as soon as it aborts. */
function abortable(promise: Promise<void>, signal: AbortSignal | undefined): Promise<void> {
  if (signal === undefined) return promise;
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener("abort", onAbort, { once: true });
    promise.then(
      () => {
        signal.removeEventListener("abort", onAbort);
        resolve();
      },
      (error: unknown) => {
        signal.removeEventListener("abort", onAbort);
        reject(error);
      },
    );
  });
}
