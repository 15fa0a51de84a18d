import { randomUUID } from "node:crypto";
import type { BudgetRequest, BudgetReservation, BudgetStore } from "@loom/llm-providers";
import { BudgetExceededError } from "@loom/llm-types";
import { COMMIT, RESERVE } from "./budget-script.js";
import { RedisConnection, type RedisConnectionOptions, script } from "./redis-connection.js";

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

const reserve = script(RESERVE);
const commit = script(COMMIT);

/**
 * A budget every process spends from together (`new CostTracker({ budgetUsd, store })`): each
 * call claims its estimated cost before it is sent and commits its actual cost after, in atomic
 * scripts, so the fleet stops once spending and the claims in flight reach the budget. What
 * is spent beyond it is bounded by the calls already in flight (their cost beyond their
 * estimate). A claim whose process died frees itself after `claimLifetimeMs`.
 */
export class RedisBudgetStore implements BudgetStore {
  readonly #connection: RedisConnection;
  readonly #ownsConnection: boolean;
  readonly #claimLifetimeMs: number;
  readonly #ttlMs: number;

  constructor(options: RedisBudgetStoreOptions = {}) {
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
      reply = await this.#connection.run(reserve, keys, [
        request.budgetUsd,
        request.estimateUsd,
        id,
        this.#claimLifetimeMs,
        this.#ttlMs,
      ]);
    } catch (error) {
      const refusal = this.#connection.unreachable(error, "budget");
      if (refusal !== undefined) throw refusal;
      // Open: the call goes, unaccounted here (the tracker still counts it in this process).
      return { spentUsd: 0, remainingUsd: request.budgetUsd, commit() {} };
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
          .catch((error: unknown) => this.#connection.unreachable(error, "budget"));
      },
    };
  }

  /** What was spent from a budget so far, by every process. */
  async spentUsd(key = "default"): Promise<number> {
    const reply = await this.#connection.run(
      script("return redis.call('GET', KEYS[1]) or '0'"),
      [this.#keys(key)[0] as string],
      [],
    );
    return Number(reply);
  }

  /** The three keys of a budget, in one cluster slot. */
  #keys(name: string): string[] {
    const base = `${this.#connection.prefix}:budget:{${name}}`;
    return [`${base}:spent`, `${base}:claims`, `${base}:lapses`];
  }

  /** Closes the Redis connection, when it is this store's own. */
  async close(): Promise<void> {
    if (this.#ownsConnection) await this.#connection.close();
  }
}
