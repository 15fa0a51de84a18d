import {
  type CallInfo,
  InvalidResponseError,
  type LLMResponse,
  type ProviderHooks,
} from "@loom/llm-types";
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
  const { price, tracker } = options;
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
  const priceFor = (requested: string, answered: string): ModelPrice | undefined =>
    price ?? lookup(requested) ?? lookup(answered);
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
  if (tracker !== undefined) {
    hooks.beforeRequest = (_request, info) => tracker.checkBudget(info.provider, info.model);
  }
  return hooks;
}
