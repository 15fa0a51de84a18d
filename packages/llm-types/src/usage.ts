/** Token counts of one response, normalised across providers (see `cost.md`). */
export interface Usage {
  /** Total input tokens, cached ones included. */
  promptTokens: number;
  /** Total output tokens, reasoning included. */
  completionTokens: number;
  totalTokens: number;
  /** Subset of `promptTokens` served from the provider's cache; 0 when unknown. */
  cachedPromptTokens: number;
  /**
   * Subset of `promptTokens` written to the provider's cache (Anthropic's
   * `cache_creation_input_tokens`, billed above the input price); 0 when unknown or none.
   */
  cacheWriteTokens: number;
  /** Subset of `completionTokens` spent on reasoning; 0 when unknown. */
  reasoningTokens: number;
  /** `false` when the server sent no usage: the zeros are unknown, not free. */
  reported: boolean;
}
