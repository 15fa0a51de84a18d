import type { LLMConfigInput } from "@loom/llm-types";
import type { ModelPrice } from "../cost/model-price.js";

/** One `[llm.NAME]` table, in TypeScript's camelCase. */
export type ProviderTable = Partial<LLMConfigInput> & {
  /** Prices for this provider's models, from `input_per_mtok` and friends. */
  price?: ModelPrice;
};

/** A parsed, validated `loom.toml`: its `[llm.NAME]` tables. */
export interface ProjectConfig {
  /** Where it came from (a path, or the name given to `parseProjectConfig`). */
  readonly source: string;
  readonly llm: Readonly<Record<string, Readonly<ProviderTable>>>;
}
