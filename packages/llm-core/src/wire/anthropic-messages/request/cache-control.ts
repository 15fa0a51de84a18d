import type { CacheBreakpoint } from "@loom/llm-types";

/**
 * Anthropic's mark for the end of a cacheable prefix: `{type: "ephemeral"}` (five minutes, the
 * default lifetime) or with the `ttl` asked for (`"1h"` is dearer to write, cheaper to keep).
 */
export function cacheControl(breakpoint: CacheBreakpoint): Record<string, unknown> {
  return breakpoint === true ? { type: "ephemeral" } : { type: "ephemeral", ttl: breakpoint.ttl };
}
