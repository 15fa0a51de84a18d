import type { Usage } from "@loom/llm-types";
import { findPrice, type ModelPrice } from "./model-price.js";

/** A priced response. */
export interface CostEstimate {
  usd: number;
  breakdown: {
    /** Uncached prompt tokens at the input rate. */
    inputUsd: number;
    /** Cached prompt tokens at the cached rate. */
    cachedInputUsd: number;
    /** Prompt tokens written to the cache, at the cache-write rate. */
    cacheWriteUsd: number;
    /** Completion tokens (reasoning included) at the output rate. */
    outputUsd: number;
  };
}

/**
 * What a response cost (cost.md): uncached prompt tokens at the input rate, cached ones at the
 * cached rate, those written to the cache at the cache-write rate, completion tokens at the output rate, reasoning already inside them (never
 * added twice). `undefined` when no price is known for the model (local models) or the usage is
 * marked `reported: false` (the server sent none): an unknown figure, never a guess. A usage
 * built by hand needs only `promptTokens` and `completionTokens`.
 *
 * `prices` is one price for this model, or a table by model name. @default MODEL_PRICES
 */
export function estimateCost(
  model: string,
  usage: Pick<Usage, "promptTokens" | "completionTokens"> & Partial<Usage>,
  prices?: Readonly<ModelPrice> | Readonly<Record<string, Readonly<ModelPrice>>>,
): CostEstimate | undefined {
  if (usage.reported === false) return undefined;
  const price = isPrice(prices) ? prices : findPrice(model, prices);
  if (price === undefined) return undefined;
  const cached = Math.min(usage.cachedPromptTokens ?? 0, usage.promptTokens);
  // Reads and writes are parts of the prompt: never more than what is left of it.
  const written = Math.min(usage.cacheWriteTokens ?? 0, usage.promptTokens - cached);
  const inputUsd = ((usage.promptTokens - cached - written) * price.inputPerMtok) / 1e6;
  const cachedInputUsd = (cached * (price.cachedInputPerMtok ?? price.inputPerMtok)) / 1e6;
  const cacheWriteUsd = (written * (price.cacheWritePerMtok ?? price.inputPerMtok)) / 1e6;
  const outputUsd = (usage.completionTokens * price.outputPerMtok) / 1e6;
  return {
    usd: inputUsd + cachedInputUsd + cacheWriteUsd + outputUsd,
    breakdown: { inputUsd, cachedInputUsd, cacheWriteUsd, outputUsd },
  };
}

function isPrice(
  value: Readonly<ModelPrice> | Readonly<Record<string, Readonly<ModelPrice>>> | undefined,
): value is Readonly<ModelPrice> {
  return typeof (value as { inputPerMtok?: unknown } | undefined)?.inputPerMtok === "number";
}
