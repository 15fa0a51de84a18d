import type { Usage } from "@loom/llm-types";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { normalizeUsage as anthropicUsage } from "../anthropic-messages/response/normalize-usage.js";
import { normalizeUsage as chatUsage } from "../openai-chat/response/normalize-usage.js";
import { normalizeUsage as responsesUsage } from "../openai-responses/response/normalize-usage.js";
import { tokenCount } from "./usage-counts.js";

// Whatever a server writes in any count (a string, NaN, a negative, 1e308, an object), every
// protocol's usage is made of counts that add up: non-negative safe integers, the parts no
// larger than their wholes, so no cost or budget built on them is NaN or Infinity.
const anyCount = fc.oneof(
  fc.nat(),
  fc.double(),
  fc.constantFrom(1e308, Number.POSITIVE_INFINITY, Number.NaN, -1, 2 ** 53, 2 ** 53 + 2),
  fc.string(),
  fc.constant(null),
  fc.constant(undefined),
  fc.object({ maxDepth: 1 }),
);

function holdsUp(usage: Usage): void {
  for (const value of [
    usage.promptTokens,
    usage.completionTokens,
    usage.totalTokens,
    usage.cachedPromptTokens,
    usage.cacheWriteTokens,
    usage.reasoningTokens,
  ]) {
    expect(Number.isInteger(value) && value >= 0).toBe(true);
    // Anthropic's prompt adds three counts: still well within what a float adds exactly.
    expect(value).toBeLessThanOrEqual(3 * Number.MAX_SAFE_INTEGER);
  }
  expect(usage.cachedPromptTokens).toBeLessThanOrEqual(usage.promptTokens);
  expect(usage.reasoningTokens).toBeLessThanOrEqual(usage.completionTokens);
}

describe("token counts from any server", () => {
  it("tokenCount: a safe integer count is kept, anything else is 0", () => {
    expect(tokenCount(12)).toBe(12);
    expect(tokenCount(12.9)).toBe(12);
    expect(tokenCount(Number.MAX_SAFE_INTEGER)).toBe(Number.MAX_SAFE_INTEGER);
    for (const junk of [1e308, 2 ** 53 + 2, Number.POSITIVE_INFINITY, Number.NaN, -3, "5", null])
      expect(tokenCount(junk)).toBe(0);
  });

  it("every protocol's usage adds up, whatever the counts", () => {
    fc.assert(
      fc.property(
        fc.record({
          prompt: anyCount,
          completion: anyCount,
          total: anyCount,
          cached: anyCount,
          written: anyCount,
          reasoning: anyCount,
          hits: anyCount,
        }),
        (c) => {
          holdsUp(
            chatUsage({
              prompt_tokens: c.prompt,
              completion_tokens: c.completion,
              total_tokens: c.total,
              prompt_cache_hit_tokens: c.hits,
              prompt_tokens_details: { cached_tokens: c.cached },
              completion_tokens_details: { reasoning_tokens: c.reasoning },
            }),
          );
          holdsUp(
            responsesUsage({
              input_tokens: c.prompt,
              output_tokens: c.completion,
              total_tokens: c.total,
              input_tokens_details: { cached_tokens: c.cached },
              output_tokens_details: { reasoning_tokens: c.reasoning },
            }),
          );
          holdsUp(
            anthropicUsage({
              input_tokens: c.prompt,
              output_tokens: c.completion,
              cache_read_input_tokens: c.cached,
              cache_creation_input_tokens: c.written,
            }),
          );
        },
      ),
      { numRuns: 500 },
    );
  });
});
