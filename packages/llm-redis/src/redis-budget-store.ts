import { randomUUID } from "node:crypto";
import type { BudgetRequest, BudgetReservation, BudgetStore } from "@loom/llm-providers";
import {
  BudgetExceededError,
  ConfigError,
  type ConfigIssue,
  ConnectionError,
} from "@loom/llm-types";
import { type NumberRule, numberProblem, showGot } from "@loom/llm-utils";
import { COMMIT, RESERVE } from "./budget-script.js";
import {
  hashTag,
  isFinal,
  RedisConnection,
  type RedisConnectionOptions,
  script,
} from "./redis-connection.js";

/** A budget shared through Redis. */
export interface RedisBudgetStoreOptions extends RedisConnectionOptions {
  /**
   * How long a claim holds when its call never reports back (its process died): then it is
   * freed. Longer than any call takes. @default 600000 (10 minutes)
   */
  claimLifetimeMs?: number | undefined;
  /** How long a budget's keys live after their last use; 0 keeps them. @default 0 */
  ttlMs?: number | undefined;
  /** An open connection to share with other gates and stores, instead of one of its own. */
  connection?: RedisConnection | undefined;
}

const reserve = script(RESERVE, "reserve");
const commit = script(COMMIT, "commit");
const readSpent = script("return redis.call('GET', KEYS[1]) or '0'", "spent");

// Milliseconds as Redis scores and expiries: whole, and exact as a double.
const LIFETIME: NumberRule = { min: 1, max: Number.MAX_SAFE_INTEGER, integer: true };
const TTL: NumberRule = { min: 0, max: Number.MAX_SAFE_INTEGER, integer: true };

/**
 * A budget every process spends from together (`new CostTracker({ budgetUsd, store })`): each
 * call claims its estimated cost before it is sent and commits its actual cost after, in atomic
 * scripts, and goes only if what was spent, the claims in flight and its estimate fit in the
 * budget. With estimates not below the actual costs the budget is never exceeded; beyond it
 * goes at most what the calls in flight at the last claim cost beyond their estimates. A claim
 * whose process died frees itself after `claimLifetimeMs`.
 */
export class RedisBudgetStore implements BudgetStore {
  readonly #connection: RedisConnection;
  readonly #ownsConnection: boolean;
  readonly #claimLifetimeMs: number;
  readonly #ttlMs: number;

  constructor(options: RedisBudgetStoreOptions = {}) {
    const issues: ConfigIssue[] = [];
    for (const [path, value, rule] of [
      ["claimLifetimeMs", options.claimLifetimeMs, LIFETIME],
      ["ttlMs", options.ttlMs, TTL],
    ] as const) {
      const problem = value === undefined ? undefined : numberProblem(value, rule);
      if (problem !== undefined) issues.push({ path, message: problem });
    }
    // Checked before a connection is made: a refused store leaves nothing open.
    if (issues.length > 0) throw new ConfigError({ issues });
    this.#connection = options.connection ?? new RedisConnection(options);
    this.#ownsConnection = options.connection === undefined;
    this.#claimLifetimeMs = options.claimLifetimeMs ?? 600_000;
    this.#ttlMs = options.ttlMs ?? 0;
  }

  /** Requests that went through (or were refused) while Redis was unreachable. */
  get unavailable(): number {
    return this.#connection.unavailable;
  }

  async reserve(request: BudgetRequest): Promise<BudgetReservation> {
    const keys = this.#keys(request.key);
    const id = randomUUID();
    let reply: unknown;
    try {
      reply = await this.#connection.run(
        reserve,
        keys,
        [request.budgetUsd, request.estimateUsd, id, this.#claimLifetimeMs, this.#ttlMs],
        // Granted after the request stopped waiting for it (it went unaccounted, or was
        // refused): the claim is freed at once rather than held for `claimLifetimeMs`.
        {
          undo: (late) =>
            (late as [number] | undefined)?.[0] === 1
              ? [commit, keys, [id, 0, this.#ttlMs]]
              : undefined,
        },
      );
    } catch (error) {
      // A bug (a bad argument), a Redis Cluster, credentials refused, or a store closed:
      // refused, never let through unaccounted.
      if (isFinal(error)) throw error;
      if (this.#connection.closed) throw closedError();
      const refusal = this.#connection.unreachable(error, "budget");
      if (refusal !== undefined) throw refusal;
      // Open: the call goes, unaccounted here (the tracker still counts it in this process).
      // What the fleet spent is unknown now: not 0, nor the whole budget left.
      return { spentUsd: undefined, remainingUsd: undefined, commit() {} };
    }
    const [granted, spent, remaining] = reply as [number, string, string];
    if (granted !== 1) {
      throw new BudgetExceededError({
        budgetUsd: request.budgetUsd,
        spentUsd: Number(spent),
        provider: request.provider,
        model: request.model,
      });
    }
    let committed = false;
    return {
      spentUsd: Number(spent),
      remainingUsd: Number(remaining),
      commit: (actualUsd) => {
        if (committed) return;
        committed = true;
        void this.#connection
          .run(commit, keys, [id, actualUsd ?? 0, this.#ttlMs])
          .catch((error: unknown) => this.#connection.report(error, "budget"));
      },
    };
  }

  /** What was spent from a budget so far, by every process. */
  async spentUsd(key = "default"): Promise<number> {
    const reply = await this.#connection.run(readSpent, [this.#keys(key)[0] as string], []);
    return Number(reply);
  }

  /** The three keys of a budget, in one cluster slot (the hash tag). */
  #keys(name: unknown): string[] {
    if (typeof name !== "string" || name === "")
      throw new ConfigError({
        issues: [
          { path: "budgetKey", message: `must be a non-empty string, got ${showGot(name)}` },
        ],
      });
    const base = `${this.#connection.prefix}:budget:${hashTag(name)}`;
    return [`${base}:spent`, `${base}:claims`, `${base}:lapses`];
  }

  /** Closes the Redis connection, when it is this store's own. */
  async close(): Promise<void> {
    if (this.#ownsConnection) await this.#connection.close();
  }
}

function closedError(): ConnectionError {
  return new ConnectionError({
    message: "loom: the budget store's Redis connection was closed; the request was not sent",
    retryable: false,
  });
}
