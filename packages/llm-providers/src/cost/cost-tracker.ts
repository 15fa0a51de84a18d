import { BudgetExceededError, ConfigError, type ConfigIssue, type Usage } from "@loom/llm-types";
import { numberProblem } from "@loom/llm-utils";
import { USD } from "./budget-rule.js";
import type { BudgetStore } from "./budget-store.js";
import { InProcessBudgetStore } from "./in-process-budget-store.js";

/** Running totals for one provider and model, or for everything. */
export interface UsageTotals {
  calls: number;
  errors: number;
  promptTokens: number;
  completionTokens: number;
  cachedPromptTokens: number;
  /** Prompt tokens written to the provider's cache (Anthropic). */
  cacheWriteTokens: number;
  reasoningTokens: number;
  totalTokens: number;
  /** Sum over calls with a known price. */
  costUsd: number;
  /**
   * What the budget counted at estimates, apart from `costUsd`: each attempt sent whose cost is
   * unknown (the server sent no usage, or it failed or was left before its usage came) is
   * counted at its estimate rather than as free. 0 without a budget, which makes no estimates.
   */
  estimatedUsd: number;
  /** Calls whose cost is unknown (no price for the model, or no usage reported). */
  unpricedCalls: number;
  /** Calls whose server sent no usage: their tokens are missing from the sums. */
  unreportedCalls: number;
}

/** A copy of the tracker's state, safe to keep. */
export interface CostSnapshot {
  total: UsageTotals;
  byModel: (UsageTotals & { provider: string; model: string })[];
  budgetUsd: number | undefined;
}

/** Options for CostTracker. */
export interface CostTrackerOptions {
  /**
   * What may be spent, in USD (0 or more). A call goes only if what was spent, the estimates of
   * the calls in flight and its own estimate fit in it; otherwise it fails with
   * `BudgetExceededError` before sending.
   */
  budgetUsd?: number;
  /**
   * Where the budget's spending is kept when processes share it (`RedisBudgetStore` of
   * `@loom/llm-redis`): each call reserves its estimate there before it is sent. Without one,
   * the budget is this tracker's own.
   */
  store?: BudgetStore;
  /** Which budget of the store: processes sharing one use the same key. @default "default" */
  budgetKey?: string;
}

const empty = (): UsageTotals => ({
  calls: 0,
  errors: 0,
  promptTokens: 0,
  completionTokens: 0,
  cachedPromptTokens: 0,
  cacheWriteTokens: 0,
  reasoningTokens: 0,
  totalTokens: 0,
  costUsd: 0,
  estimatedUsd: 0,
  unpricedCalls: 0,
  unreportedCalls: 0,
});

/**
 * Sums tokens, calls, errors and dollars per provider and model, for every provider that
 * reports into it (`fromName(ctx, name, { tracker })`). Updates are synchronous, so parallel
 * calls cannot lose one; calls already in flight when the budget is reached still complete.
 */
export class CostTracker {
  readonly budgetUsd: number | undefined;
  readonly store: BudgetStore | undefined;
  readonly budgetKey: string;
  /** What the shared budget had left at the last reservation (with a store only). */
  #remaining: number | undefined;
  /** Where this tracker's own budget (no `store`) keeps its spending and its claims. */
  readonly #own: InProcessBudgetStore | undefined;
  #total: UsageTotals = empty();
  #byModel = new Map<string, UsageTotals & { provider: string; model: string }>();

  constructor(options: CostTrackerOptions = {}) {
    const issues: ConfigIssue[] = [];
    const budget = options.budgetUsd;
    // A NaN budget would never refuse anything, a negative one everything.
    const problem = budget === undefined ? undefined : numberProblem(budget, USD);
    if (problem !== undefined) issues.push({ path: "budgetUsd", message: problem });
    const key: unknown = options.budgetKey;
    if (key !== undefined && (typeof key !== "string" || key === ""))
      issues.push({ path: "budgetKey", message: "must be a non-empty string" });
    if (issues.length > 0) throw new ConfigError({ issues });
    this.budgetUsd = budget;
    this.store = options.store;
    this.budgetKey = options.budgetKey ?? "default";
    // Its own budget is reserved like a shared one, so that calls in flight count against it.
    this.#own =
      budget !== undefined && options.store === undefined ? new InProcessBudgetStore() : undefined;
  }

  /**
   * Where each call reserves its estimate before it is sent (`costGates`): the shared `store`,
   * else the tracker's own; none without a budget.
   * @internal
   */
  get budgetStore(): BudgetStore | undefined {
    return this.store ?? this.#own;
  }

  /**
   * What is left of the budget, in USD: the shared one as of the last reservation when there
   * is a store, else this tracker's own (the budget less `spentUsd`, estimates included);
   * `undefined` without a budget.
   */
  get remainingUsd(): number | undefined {
    if (this.budgetUsd === undefined) return undefined;
    return this.#remaining ?? Math.max(0, this.budgetUsd - this.spentUsd);
  }

  /** The shared budget's remainder as a reservation saw it (called by the budget gate). */
  noteRemaining(remainingUsd: number): void {
    this.#remaining = Math.max(0, remainingUsd);
  }

  /**
   * Spent so far, in USD, as the budget counts it: the known costs (`snapshot().total.costUsd`)
   * plus the estimates of the calls sent whose cost is unknown (`estimatedUsd`). With a store,
   * this process's calls only.
   */
  get spentUsd(): number {
    return this.#total.costUsd + this.#total.estimatedUsd;
  }

  /**
   * Throws `BudgetExceededError` when the recorded spend has reached the budget. `costHooks`
   * calls it before each request, for clients made without `costGates`: it cannot see the
   * calls in flight, which the budget gate counts.
   */
  checkBudget(provider?: string, model?: string): void {
    const spentUsd = this.spentUsd;
    if (this.budgetUsd !== undefined && spentUsd >= this.budgetUsd) {
      throw new BudgetExceededError({
        budgetUsd: this.budgetUsd,
        spentUsd,
        provider,
        model,
      });
    }
  }

  /**
   * Records a completed call. `costUsd` undefined means the cost is unknown; so does a cost that
   * is not a finite amount of 0 or more (one NaN or Infinity would make every later sum one).
   */
  record(provider: string, model: string, usage: Usage, costUsd: number | undefined): void {
    const cost =
      costUsd !== undefined && Number.isFinite(costUsd) && costUsd >= 0 ? costUsd : undefined;
    for (const totals of [this.#total, this.#entry(provider, model)]) {
      totals.calls++;
      totals.promptTokens += usage.promptTokens;
      totals.completionTokens += usage.completionTokens;
      totals.cachedPromptTokens += usage.cachedPromptTokens;
      // `?? 0`: a usage built by hand before cache writes were counted.
      totals.cacheWriteTokens += usage.cacheWriteTokens ?? 0;
      totals.reasoningTokens += usage.reasoningTokens;
      totals.totalTokens += usage.totalTokens;
      if (cost === undefined) totals.unpricedCalls++;
      else totals.costUsd += cost;
      if (!usage.reported) totals.unreportedCalls++;
    }
  }

  /**
   * Records what the budget counted at its estimate for an attempt sent whose cost is unknown
   * (called by the budget gate): part of `spentUsd`, in no call's `costUsd`.
   * @internal
   */
  recordEstimated(provider: string, model: string, estimateUsd: number): void {
    if (!(Number.isFinite(estimateUsd) && estimateUsd > 0)) return;
    this.#total.estimatedUsd += estimateUsd;
    this.#entry(provider, model).estimatedUsd += estimateUsd;
  }

  /** Records a failed call. */
  recordError(provider: string, model: string): void {
    this.#total.errors++;
    this.#entry(provider, model).errors++;
  }

  snapshot(): CostSnapshot {
    return {
      total: { ...this.#total },
      byModel: [...this.#byModel.values()].map((entry) => ({ ...entry })),
      budgetUsd: this.budgetUsd,
    };
  }

  reset(): void {
    this.#total = empty();
    this.#byModel.clear();
    this.#own?.reset(this.budgetKey);
  }

  /** A small table for a terminal. */
  formatReport(): string {
    const head = [
      "provider",
      "model",
      "calls",
      "errors",
      "prompt",
      "cached",
      "completion",
      "reasoning",
      "cost USD",
    ];
    const row = (provider: string, model: string, t: UsageTotals): string[] => [
      provider,
      model,
      String(t.calls),
      String(t.errors),
      String(t.promptTokens),
      String(t.cachedPromptTokens),
      String(t.completionTokens),
      String(t.reasoningTokens),
      t.calls > 0 && t.unpricedCalls === t.calls
        ? "unknown"
        : `${t.costUsd.toFixed(6)}${t.unpricedCalls > 0 ? "+" : ""}`,
    ];
    const rows = [...this.#byModel.values()].map((e) => row(e.provider, e.model, e));
    rows.push(row("total", "", this.#total));
    const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
    const line = (cells: string[]) =>
      cells
        .map((cell, i) => (i < 2 ? cell.padEnd(widths[i] ?? 0) : cell.padStart(widths[i] ?? 0)))
        .join("  ");
    const lines = [line(head), ...rows.map(line)];
    if (this.#total.unpricedCalls > 0)
      lines.push("+ some calls have no known price or usage: not counted in USD");
    if (this.budgetUsd !== undefined) {
      // Calls whose cost is unknown still took their estimates from the budget: said, so that
      // the spend agrees with what the budget refuses at.
      const estimated = this.#total.estimatedUsd;
      const part =
        estimated > 0
          ? `, of which $${estimated.toFixed(6)} estimated for calls sent whose cost is unknown`
          : "";
      lines.push(`budget: $${this.budgetUsd} (spent $${this.spentUsd.toFixed(6)}${part})`);
    }
    return lines.join("\n");
  }

  #entry(provider: string, model: string): UsageTotals & { provider: string; model: string } {
    const key = `${provider}\u0000${model}`;
    let entry = this.#byModel.get(key);
    if (entry === undefined) {
      entry = { ...empty(), provider, model };
      this.#byModel.set(key, entry);
    }
    return entry;
  }
}
