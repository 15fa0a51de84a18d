import { randomUUID } from "node:crypto";
import { setTimeout as sleep } from "node:timers/promises";
import { readRateLimitHeaders } from "@loom/llm-core";
import {
  type CallGate,
  ConfigError,
  type ConfigIssue,
  ConnectionError,
  type GateEntry,
  type GateOutcome,
  type GatePass,
  TimeoutError,
} from "@loom/llm-types";
import { type NumberRule, numberProblem, showGot } from "@loom/llm-utils";
import {
  hashTag,
  isFinal,
  RedisConnection,
  type RedisConnectionOptions,
  script,
} from "./redis-connection.js";
import { ACQUIRE, ADJUST, OBSERVE } from "./sliding-window-script.js";

/** A provider account's limits, shared through Redis by every process that names them. */
export interface RedisRateLimitOptions extends RedisConnectionOptions {
  requestsPerMinute?: number | undefined;
  tokensPerMinute?: number | undefined;
  /** The window the limits count over. @default 60000 (a minute; tests use a second) */
  windowMs?: number | undefined;
  /**
   * How late a request may reach the provider after Redis let it go (the network, a busy event
   * loop): each request then counts for `windowMs + marginMs`, so the provider never sees more
   * than the limit in any `windowMs` of its own, at the cost of that much throughput. @default 0
   */
  marginMs?: number | undefined;
  /**
   * Which limit: processes naming the same one share it. A non-empty string, or a function of
   * the request returning one. @default the request's provider and model
   * (`deepseek:deepseek-chat`), as providers count per model
   */
  key?: string | ((entry: GateEntry) => string) | undefined;
  /** An open connection to share with other gates and stores, instead of one of its own. */
  connection?: RedisConnection | undefined;
}

const acquire = script(ACQUIRE, "acquire");
const adjust = script(ADJUST, "adjust");
const observe = script(OBSERVE, "observe");
// Limits and windows as Redis keeps them: whole numbers its INCRBY and PEXPIRE take.
const LIMIT: NumberRule = { min: 1, max: 2_147_483_647, integer: true };
const MARGIN: NumberRule = {
  min: 0,
  max: 2_147_483_647,
  integer: true,
  what: "a whole number of milliseconds (0 or more)",
};
const NO_PASS: GatePass = { waitedMs: 0, leave() {} };

/**
 * A rate limit shared by every process and machine that uses the same Redis and key: in any
 * window, what they all send together never exceeds the requests or tokens allowed. Each
 * request is let in by one atomic script (a sliding window per limit, on Redis's clock); one
 * that must wait sleeps (abortably, never past its call's deadline) and asks again. Token
 * estimates are corrected by the reported usage; the provider's `x-ratelimit-*` headers and a
 * 429's `Retry-After` count against the shared windows, so the whole fleet slows down.
 */
export class RedisRateLimiter implements CallGate {
  readonly name = "rate-limit";
  readonly #connection: RedisConnection;
  readonly #ownsConnection: boolean;
  readonly #requests: number;
  readonly #tokens: number;
  readonly #windowMs: number;
  readonly #key: (entry: GateEntry) => string;
  readonly #closing = new AbortController();
  /** Aborted when this limiter or its connection (shared or not) is closed: waits end. */
  readonly #stopped: AbortSignal;

  constructor(options: RedisRateLimitOptions) {
    const issues: ConfigIssue[] = [];
    for (const [path, value, rule] of [
      ["requestsPerMinute", options.requestsPerMinute, LIMIT],
      ["tokensPerMinute", options.tokensPerMinute, LIMIT],
      ["windowMs", options.windowMs, LIMIT],
      ["marginMs", options.marginMs, MARGIN],
    ] as const) {
      const problem = value === undefined ? undefined : numberProblem(value, rule);
      if (problem !== undefined) issues.push({ path, message: problem });
    }
    const key: unknown = options.key;
    if (key !== undefined && typeof key !== "function" && !isName(key))
      issues.push({ path: "key", message: keyProblem(key) });
    if (options.requestsPerMinute === undefined && options.tokensPerMinute === undefined)
      issues.push({
        path: "requestsPerMinute",
        message: "a limit is required (or tokensPerMinute)",
      });
    if (issues.length > 0) throw new ConfigError({ issues });
    this.#connection = options.connection ?? new RedisConnection(options);
    this.#ownsConnection = options.connection === undefined;
    this.#stopped = AbortSignal.any([this.#closing.signal, this.#connection.closing]);
    this.#requests = options.requestsPerMinute ?? 0;
    this.#tokens = options.tokensPerMinute ?? 0;
    this.#windowMs = (options.windowMs ?? 60_000) + (options.marginMs ?? 0);
    const named = options.key;
    this.#key =
      typeof named === "function"
        ? (entry) => {
            const name: unknown = named(entry);
            // A function's name is checked as each request asks: refused, never a stray key.
            if (!isName(name))
              throw new ConfigError({ issues: [{ path: "key", message: keyProblem(name) }] });
            return name;
          }
        : named !== undefined
          ? () => named
          : (entry) => `${entry.provider}:${entry.model}`;
  }

  /** Requests that went through (or were refused) while Redis was unreachable. */
  get unavailable(): number {
    return this.#connection.unavailable;
  }

  async enter(entry: GateEntry, signal: AbortSignal | undefined): Promise<GatePass> {
    const started = performance.now();
    const keys = this.#keys(this.#key(entry));
    const id = randomUUID();
    const tokens = this.#tokens > 0 ? Math.max(0, Math.round(entry.estimatedTokens)) : 0;
    // `close()`, of the limiter or of its connection, ends the waits: a closed limiter lets
    // nothing through.
    const stopped = this.#stopped;
    const waits = signal === undefined ? stopped : AbortSignal.any([signal, stopped]);
    let held = false;
    for (;;) {
      signal?.throwIfAborted();
      if (stopped.aborted) throw this.#closedError();
      let reply: unknown;
      try {
        reply = await this.#connection.run(
          acquire,
          keys,
          [this.#windowMs, this.#requests, this.#tokens, id, tokens],
          {
            signal: waits,
            // Let in after the request stopped waiting (aborted, or gone on as in an outage):
            // its place in the window is given back, as a request never sent.
            undo: (late) =>
              (late as [number] | undefined)?.[0] === 1 ? [adjust, keys, [id, 0, 0]] : undefined,
          },
        );
      } catch (error) {
        if (stopped.aborted || this.#connection.closed) throw this.#closedError();
        // The caller's abort or deadline, while Redis was asked: its own error.
        if (signal?.aborted) throw signal.reason;
        // A bug in the script or its call, a Redis Cluster, credentials refused: refused, never
        // let through as an outage would be.
        if (isFinal(error)) throw error;
        const refusal = this.#connection.unreachable(error, "rate limit");
        if (refusal !== undefined) throw refusal;
        return NO_PASS;
      }
      const [allowed, wait] = reply as [number, number];
      if (allowed === 1) break;
      const now = performance.now();
      if (entry.deadline !== undefined && now + wait > entry.deadline) {
        throw new TimeoutError({
          timeoutMs: Math.round(entry.deadline - started),
          phase: "rate-limit",
          message: `${entry.provider}: the shared rate limit would hold this request for ${wait} ms, past its deadline; nothing was sent`,
          retryable: false,
          provider: entry.provider,
          model: entry.model,
        });
      }
      // A little later than due, so requests waiting on the same entry do not all ask at once.
      held = true;
      try {
        await sleep(wait + Math.random() * 10, undefined, { signal: waits });
      } catch (error) {
        if (stopped.aborted && !signal?.aborted) throw this.#closedError();
        throw error;
      }
    }
    let left = false;
    return {
      // Asking Redis takes a round trip: only a hold it ordered is a wait.
      waitedMs: held ? performance.now() - started : 0,
      leave: (outcome: GateOutcome) => {
        if (left) return;
        left = true;
        void this.#leave(keys, id, outcome).catch((error: unknown) => {
          this.#connection.report(error, "rate limit");
        });
      },
    };
  }

  async #leave(keys: string[], id: string, outcome: GateOutcome): Promise<void> {
    const usage = outcome.usage;
    const tokens = outcome.sent && usage?.reported ? usage.totalTokens : undefined;
    if (!outcome.sent || tokens !== undefined)
      await this.#connection.run(adjust, keys, [id, tokens ?? 0, outcome.sent ? 1 : 0]);
    const said = readRateLimitHeaders(outcome.headers);
    const retryAfter = outcome.retryAfterMs;
    const requestKeys = keys.slice(0, 3);
    const tokenKeys = keys.slice(3);
    // A 429's Retry-After: nothing more in either window until it passed.
    if (retryAfter !== undefined) {
      if (this.#requests > 0) await this.#observe(requestKeys, this.#requests, 0, retryAfter);
      if (this.#tokens > 0) await this.#observe(tokenKeys, this.#tokens, 0, retryAfter);
    }
    if (said?.remainingRequests !== undefined && this.#requests > 0)
      await this.#observe(
        requestKeys,
        this.#requests,
        said.remainingRequests,
        said.resetRequestsMs,
      );
    if (said?.remainingTokens !== undefined && this.#tokens > 0)
      await this.#observe(tokenKeys, this.#tokens, said.remainingTokens, said.resetTokensMs);
  }

  #observe(keys: string[], limit: number, remaining: number, resetMs: number | undefined) {
    const leaves = Math.min(resetMs ?? this.#windowMs, this.#windowMs);
    return this.#connection.run(observe, keys, [
      this.#windowMs,
      limit,
      remaining,
      randomUUID(),
      leaves,
    ]);
  }

  /** The six keys of a limit, in one cluster slot (the hash tag), expiring with the window. */
  #keys(name: string): string[] {
    const base = `${this.#connection.prefix}:rl:${hashTag(name)}`;
    return ["req:t", "req:a", "req:n", "tok:t", "tok:a", "tok:n"].map((part) => `${base}:${part}`);
  }

  #closedError(): ConnectionError {
    return new ConnectionError({
      message: this.#closing.signal.aborted
        ? "loom: the rate limiter was closed; the request was not sent"
        : "loom: the rate limiter's Redis connection was closed; the request was not sent",
      retryable: false,
    });
  }

  /** Ends every wait (those requests fail, unsent) and closes the connection if it is its own. */
  async close(): Promise<void> {
    this.#closing.abort();
    if (this.#ownsConnection) await this.#connection.close();
  }
}

/** Whether a limit's name is one: a string, not empty. */
function isName(name: unknown): name is string {
  return typeof name === "string" && name !== "";
}

function keyProblem(name: unknown): string {
  return `must be a non-empty string (or a function returning one), got ${showGot(name)}`;
}
