import {
  BudgetExceededError,
  type CallGate,
  type CallInfo,
  InvalidResponseError,
  type LLMResponse,
  type ProviderHooks,
} from "@loom/llm-types";
import type { BudgetReservation } from "./budget-store.js";
import type { CostTracker } from "./cost-tracker.js";
import { estimateCost } from "./estimate-cost.js";
import { findPrice, MODEL_PRICES, type ModelPrice } from "./model-price.js";

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
      charge(response, info);
    },
    onError(error, _request, info) {
      // A response that arrived whole but whose reply could not be read was still paid for.
      const paid = InvalidResponseError.isInstance(error) ? error.response : undefined;
      if (paid !== undefined) charge(paid, info);
      tracker?.recordError(info.provider, info.model);
    },
  };
  function charge(response: LLMResponse, info: CallInfo): void {
    const modelPrice = priceFor(info.model, response.model);
    const cost =
      modelPrice === undefined ? undefined : estimateCost(info.model, response.usage, modelPrice);
    if (cost !== undefined) response.costUsd = cost.usd;
    tracker?.record(info.provider, info.model, response.usage, cost?.usd);
  }
  // A shared budget is checked by its gate (`costGates`), which reserves before sending.
  if (tracker !== undefined && tracker.store === undefined) {
    hooks.beforeRequest = (_request, info) => tracker.checkBudget(info.provider, info.model);
  }
  return hooks;
}

/**
 * The gate of a tracker whose budget is shared (`CostTracker({ store })`): each request
 * reserves its estimated cost in the store before it is sent, and commits its actual cost
 * after. None for a tracker without a store: its budget is checked in process by `costHooks`.
 */
export function costGates(options: CostHooksOptions = {}): CallGate[] {
  const { tracker } = options;
  const store = tracker?.store;
  const budgetUsd = tracker?.budgetUsd;
  if (tracker === undefined || store === undefined || budgetUsd === undefined) return [];
  const priceFor = pricing(options);
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
          // Refused: nothing is left, whatever the last reservation saw.
          if (BudgetExceededError.isInstance(error)) tracker.noteRemaining(0);
          throw error;
        }
        tracker.noteRemaining(reservation.remainingUsd);
        return {
          waitedMs: 0,
          leave(outcome) {
            const usage = outcome.usage;
            if (!outcome.sent) reservation.commit(0);
            else {
              // Priced as the response is: by the name asked for, else the one that answered.
              const paid = priceFor(entry.model, outcome.model ?? entry.model);
              const cost =
                usage?.reported && paid !== undefined
                  ? estimateCost(entry.model, usage, paid)?.usd
                  : undefined;
              // Sent, cost unknown: counted at its estimate rather than as free.
              reservation.commit(cost ?? estimateUsd);
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
