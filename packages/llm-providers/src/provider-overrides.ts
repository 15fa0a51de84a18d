import type { LLMConfigInput } from "@loom/llm-types";
import type { CostTracker } from "./cost/cost-tracker.js";
import type { ModelPrice } from "./cost/model-price.js";

/** What `fromName` / `fromConfig` accept over a preset: config fields, prices and a tracker. */
export type ProviderOverrides = Partial<LLMConfigInput> & {
  /** One price for every model of this provider, over the built-in table. */
  price?: ModelPrice;
  /** Reports every call, error and dollar; its budget stops calls before they are sent. */
  tracker?: CostTracker;
};
