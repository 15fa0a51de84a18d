/** `usage` as OpenAI-compatible servers send it; DeepSeek adds the cache hit/miss fields. */
export interface WireUsage {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
  prompt_tokens_details?: { cached_tokens?: number };
  completion_tokens_details?: { reasoning_tokens?: number };
  prompt_cache_hit_tokens?: number;
  prompt_cache_miss_tokens?: number;
}

/** A plausible usage object: 10 prompt tokens and the given completion tokens. */
export function wireUsage(completionTokens: number, promptTokens = 10): WireUsage {
  return {
    prompt_tokens: promptTokens,
    completion_tokens: completionTokens,
    total_tokens: promptTokens + completionTokens,
  };
}
