import type { LLMConfigInput } from "@loom/llm-types";
import { CONFIG_KEYS } from "@loom/llm-utils";

/** loom.toml's snake_case name of a config key: `maxTokens` → `max_tokens`. One mapping, derived. */
export function snakeCase(key: string): string {
  return key.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
}

/** Keys of a `[llm.NAME]` table: every config key but `provider` (the table's name is that). */
export const TABLE_CONFIG_KEYS: ReadonlyMap<string, keyof LLMConfigInput> = new Map(
  CONFIG_KEYS.filter((key) => key !== "provider").map((key) => [snakeCase(key), key]),
);

/** Price keys of a table, per million tokens. */
export const PRICE_KEYS: ReadonlyMap<
  string,
  "inputPerMtok" | "cachedInputPerMtok" | "cacheWritePerMtok" | "outputPerMtok"
> = new Map([
  ["input_per_mtok", "inputPerMtok"],
  ["cached_input_per_mtok", "cachedInputPerMtok"],
  ["cache_write_per_mtok", "cacheWritePerMtok"],
  ["output_per_mtok", "outputPerMtok"],
]);

/** Keys of a table's `rate_limit`. */
export const RATE_LIMIT_KEYS: ReadonlyMap<string, "requestsPerMinute" | "tokensPerMinute"> =
  new Map([
    ["requests_per_minute", "requestsPerMinute"],
    ["tokens_per_minute", "tokensPerMinute"],
  ]);
