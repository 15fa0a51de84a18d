/** A model's price in USD per million tokens (`*_per_mtok` in loom.toml). */
export interface ModelPrice {
  inputPerMtok: number;
  /** Prompt tokens served from the provider's cache. @default inputPerMtok */
  cachedInputPerMtok?: number;
  /**
   * Prompt tokens written to the provider's cache (Anthropic charges 1.25 times the input price
   * for a five-minute write). @default inputPerMtok
   */
  cacheWritePerMtok?: number;
  outputPerMtok: number;
  /** Context window in tokens, when known. */
  contextWindow?: number;
  /** Largest completion in tokens, when known. */
  maxOutputTokens?: number;
}

/**
 * Published prices (late 2026, cost.md). Data, not code: pass your own table or per-provider
 * prices to override. Local models are absent on purpose: their cost is unknown, not zero.
 */
export const MODEL_PRICES: Readonly<Record<string, Readonly<ModelPrice>>> = Object.freeze({
  "deepseek-chat": {
    inputPerMtok: 0.28,
    cachedInputPerMtok: 0.028,
    outputPerMtok: 0.42,
    contextWindow: 131_072,
    maxOutputTokens: 8_192,
  },
  "deepseek-reasoner": {
    inputPerMtok: 0.28,
    cachedInputPerMtok: 0.028,
    outputPerMtok: 0.42,
    contextWindow: 131_072,
    maxOutputTokens: 65_536,
  },
  "gpt-4o-mini": {
    inputPerMtok: 0.15,
    cachedInputPerMtok: 0.075,
    outputPerMtok: 0.6,
    contextWindow: 128_000,
    maxOutputTokens: 16_384,
  },
  "gpt-4o": {
    inputPerMtok: 2.5,
    cachedInputPerMtok: 1.25,
    outputPerMtok: 10,
    contextWindow: 128_000,
    maxOutputTokens: 16_384,
  },
  "gpt-4.1-mini": {
    inputPerMtok: 0.4,
    cachedInputPerMtok: 0.1,
    outputPerMtok: 1.6,
    contextWindow: 1_047_576,
    maxOutputTokens: 32_768,
  },
});

// What may follow a known name and still be that model: a date, a version number, `-latest`.
// `gpt-4o-minimal` is not `gpt-4o`: an unknown model is unpriced, never guessed.
const VERSION_SUFFIX = /^-(\d[\d.-]*|latest|preview(-[\d-]+)?)$/;

/**
 * The price of `model` in `table`: an exact name, else the longest known name it extends with a
 * dated or versioned suffix (`gpt-4o-mini-2024-07-18` is priced as `gpt-4o-mini`).
 */
export function findPrice(
  model: string,
  table: Readonly<Record<string, Readonly<ModelPrice>>> = MODEL_PRICES,
): Readonly<ModelPrice> | undefined {
  const exact = table[model];
  if (exact !== undefined) return exact;
  let best: string | undefined;
  for (const name in table) {
    if (
      model.startsWith(name) &&
      VERSION_SUFFIX.test(model.slice(name.length)) &&
      (best === undefined || name.length > best.length)
    )
      best = name;
  }
  return best === undefined ? undefined : table[best];
}
