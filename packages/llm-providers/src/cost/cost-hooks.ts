import {
  BudgetExceededError,
  type CallGate,
  type CallInfo,
  ConfigError,
  type ConfigIssue,
  InvalidResponseError,
  LLMError,
  type ProviderHooks,
  type Usage,
} from "@loom/llm-types";
import { numberProblem } from "@loom/llm-utils";
import { USD } from "./budget-rule.js";
import type { BudgetReservation } from "./budget-store.js";
import type { CostTracker } from "./cost-tracker.js";
import { estimateCost } from "./estimate-cost.js";
import { findPrice, MODEL_PRICES, type ModelPrice } from "./model-price.js";

/**
 * The refusals of each tracker's budget gate, so that its hooks count them as nothing (no call
 * was made, cost.md) rather than as failed calls: the refusal leaves the exchange by its error
 * path like any failure.
 */
const refusals = new WeakMap<object, CostTracker>();

/** Options for CostHooks. */
export interface CostHooksOptions {
  /** One price for every model of this provider (loom.toml's `*_per_mtok`); else the table. */
  price?: ModelPrice | undefined;
  /** Prices by model name, over the built-in `MODEL_PRICES`. */
  prices?: Readonly<Record<string, Readonly<ModelPrice>>> | undefined;
  tracker?: CostTracker | undefined;
}

/**
 * Prices every response (`costUsd`, when a price is known) and reports calls and errors to a
 * tracker, whose budget is checked before each request.
 */
export function costHooks(options: CostHooksOptions = {}): ProviderHooks {
  const { tracker } = options;
  const priceFor = pricing(options);
  const hooks: ProviderHooks = {
    onResponse(response, _request, info) {
      const cost = charge(response.usage, response.model, info);
      if (cost !== undefined) response.costUsd = cost;
    },
    onError(error, _request, info) {
      // Refused by this tracker's budget before anything was sent: nothing to record.
      if (typeof error === "object" && error !== null && refusals.get(error) === tracker) return;
      // A response that arrived whole but whose reply could not be read was still paid for;
      // so was the usage a stream reported before it failed.
      const paid = InvalidResponseError.isInstance(error) ? error.response : undefined;
      if (paid !== undefined) {
        const cost = charge(paid.usage, paid.model, info);
        if (cost !== undefined) paid.costUsd = cost;
      } else if (LLMError.isInstance(error) && error.usage !== undefined) {
        charge(error.usage, info.model, info);
      }
      tracker?.recordError(info.provider, info.model);
    },
    // A stream left after its usage came: billed all the same.
    onCancel(_request, info, usage) {
      if (usage !== undefined) charge(usage, info.model, info);
    },
  };
  /** Prices usage and records it as a call; the cost, when it has one. */
  function charge(usage: Usage, model: string, info: CallInfo): number | undefined {
    const modelPrice = priceFor(info.model, model);
    const usd =
      modelPrice === undefined ? undefined : estimateCost(info.model, usage, modelPrice)?.usd;
    // A price near what a float holds times a large count: no cost at all rather than Infinity,
    // which would spend every budget for good.
    const cost = usd !== undefined && Number.isFinite(usd) ? usd : undefined;
    tracker?.record(info.provider, info.model, usage, cost);
    return cost;
  }
  // The budget is kept by its gate (`costGates`), which counts the calls in flight. For a
  // client made with these hooks alone, the tracker's own budget is still checked (coarsely:
  // by what was recorded) before each request.
  if (tracker !== undefined && tracker.store === undefined) {
    hooks.beforeRequest = (_request, info) => tracker.checkBudget(info.provider, info.model);
  }
  return hooks;
}

/**
 * The gate of a tracker with a budget: each request reserves its estimated cost (its token
 * estimate at the model's dearer rate, 0 when the model has no price) before it is sent, in the
 * tracker's `store` or its own, and commits its actual cost after. A request goes only if what
 * was spent, the claims in flight and its estimate fit in the budget. None without a budget.
 */
export function costGates(options: CostHooksOptions = {}): CallGate[] {
  const { tracker } = options;
  const store = tracker?.budgetStore;
  const budgetUsd = tracker?.budgetUsd;
  if (tracker === undefined || store === undefined || budgetUsd === undefined) return [];
  const priceFor = pricing(options);
  const shared = tracker.store !== undefined;
  return [
    {
      name: "budget",
      async enter(entry) {
        const price = priceFor(entry.model, entry.model);
        // At the dearer of the two rates: the estimate is a bound, not a bill.
        const rate = price === undefined ? 0 : Math.max(price.inputPerMtok, price.outputPerMtok);
        const estimateUsd = (entry.estimatedTokens * rate) / 1_000_000;
        let reservation: BudgetReservation;
        try {
          reservation = await store.reserve({
            key: tracker.budgetKey,
            budgetUsd,
            estimateUsd,
            provider: entry.provider,
            model: entry.model,
          });
        } catch (error) {
          if (BudgetExceededError.isInstance(error)) {
            refusals.set(error, tracker);
            // Refused: nothing is left, whatever the last reservation saw.
            if (shared) tracker.noteRemaining(0);
          }
          throw error;
        }
        // The tracker's own budget has its remainder at hand; a shared one only as seen here.
        // Unknown (a store let the call through in an outage): the last known one stands.
        if (shared && reservation.remainingUsd !== undefined)
          tracker.noteRemaining(reservation.remainingUsd);
        return {
          waitedMs: 0,
          leave(outcome) {
            const usage = outcome.usage;
            // Not sent, or answered with an error status (a 429, a 503): nothing was billed.
            if (!outcome.sent || (outcome.status !== undefined && usage === undefined))
              reservation.commit(0);
            else {
              // Priced as the response is: by the name asked for, else the one that answered.
              const paid = priceFor(entry.model, outcome.model ?? entry.model);
              const cost =
                usage?.reported && paid !== undefined
                  ? estimateCost(entry.model, usage, paid)?.usd
                  : undefined;
              // Sent, cost unknown: counted at its estimate rather than as free. (A cost past
              // what a float holds, from absurd usage, too: a store refuses to add it up.) The
              // tracker counts it too, so that what it says was spent is what the budget holds.
              if (cost !== undefined && Number.isFinite(cost)) reservation.commit(cost);
              else {
                reservation.commit(estimateUsd);
                tracker.recordEstimated(entry.provider, entry.model, estimateUsd);
              }
            }
          },
        };
      },
    },
  ];
}

/** A provider's price lookup: its own price, else its table's, by requested then answered name. */
function pricing(
  options: CostHooksOptions,
): (requested: string, answered: string) => ModelPrice | undefined {
  const { price } = options;
  checkPrices(options);
  const table =
    options.prices === undefined ? MODEL_PRICES : { ...MODEL_PRICES, ...options.prices };
  // Looked up once per model name: this runs on every response, and a name without a price
  // would otherwise scan the whole table each time. Bounded: model names come from servers.
  const known = new Map<string, ModelPrice | undefined>();
  const lookup = (model: string): ModelPrice | undefined => {
    if (known.has(model)) return known.get(model);
    const found = findPrice(model, table);
    if (known.size < 1_000) known.set(model, found);
    return found;
  };
  // The requested name first: servers report dated names (gpt-4o-mini-2024-07-18) or files.
  return (requested, answered) => price ?? lookup(requested) ?? lookup(answered);
}

/**
 * Prices given in code are checked as loom.toml's are: a NaN or negative rate would make every
 * cost, and every estimate the budget adds up, NaN or negative.
 */
function checkPrices(options: CostHooksOptions): void {
  const issues: ConfigIssue[] = [];
  const check = (path: string, price: Readonly<ModelPrice>) => {
    if (typeof price !== "object" || price === null) {
      issues.push({ path, message: "must be a price ({ inputPerMtok, outputPerMtok })" });
      return;
    }
    for (const key of [
      "inputPerMtok",
      "outputPerMtok",
      "cachedInputPerMtok",
      "cacheWritePerMtok",
    ] as const) {
      const value: unknown = price[key];
      if (value === undefined && key !== "inputPerMtok" && key !== "outputPerMtok") continue;
      const problem = numberProblem(value, USD);
      if (problem !== undefined) issues.push({ path: `${path}.${key}`, message: problem });
    }
  };
  if (options.price !== undefined) check("price", options.price);
  for (const [model, price] of Object.entries(options.prices ?? {}))
    check(`prices.${model}`, price);
  if (issues.length > 0) throw new ConfigError({ issues });
}
