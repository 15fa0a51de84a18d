/**
 * Marks the end of a prompt prefix the provider may cache (Anthropic's `cache_control`): on a
 * message, on a tool, or on the system prompt. `true` is the provider's default lifetime (five
 * minutes at Anthropic); `{ ttl: "1h" }` asks for an hour (dearer to write). Protocols without
 * explicit caching (OpenAI's chat completions and Responses, which cache prefixes by
 * themselves) ignore it.
 */
export type CacheBreakpoint = true | { ttl: "5m" | "1h" };
