import type { Usage } from "@loom/llm-types";
import { describe, expect, it } from "vitest";
import { normalizeUsage } from "./normalize-usage.js";

const usage = (u: Partial<Usage>): Usage => ({
  promptTokens: 0,
  completionTokens: 0,
  totalTokens: 0,
  cachedPromptTokens: 0,
  cacheWriteTokens: 0,
  reasoningTokens: 0,
  reported: true,
  ...u,
});

describe("normalizeUsage", () => {
  it.each<[string, unknown, Usage]>([
    [
      "plain OpenAI",
      { prompt_tokens: 12, completion_tokens: 5, total_tokens: 17 },
      usage({ promptTokens: 12, completionTokens: 5, totalTokens: 17 }),
    ],
    [
      "OpenAI with cached and reasoning details",
      {
        prompt_tokens: 2006,
        completion_tokens: 300,
        total_tokens: 2306,
        prompt_tokens_details: { cached_tokens: 1920 },
        completion_tokens_details: { reasoning_tokens: 256 },
      },
      usage({
        promptTokens: 2006,
        completionTokens: 300,
        totalTokens: 2306,
        cachedPromptTokens: 1920,
        reasoningTokens: 256,
      }),
    ],
    [
      "DeepSeek cache hit/miss",
      {
        prompt_tokens: 100,
        completion_tokens: 20,
        total_tokens: 120,
        prompt_cache_hit_tokens: 64,
        prompt_cache_miss_tokens: 36,
      },
      usage({ promptTokens: 100, completionTokens: 20, totalTokens: 120, cachedPromptTokens: 64 }),
    ],
    [
      "newer DeepSeek with both fields: the hit count wins",
      {
        prompt_tokens: 100,
        completion_tokens: 20,
        total_tokens: 120,
        prompt_cache_hit_tokens: 64,
        prompt_cache_miss_tokens: 36,
        prompt_tokens_details: { cached_tokens: 60 },
      },
      usage({ promptTokens: 100, completionTokens: 20, totalTokens: 120, cachedPromptTokens: 64 }),
    ],
    [
      "DeepSeek reasoner",
      {
        prompt_tokens: 10,
        completion_tokens: 500,
        total_tokens: 510,
        prompt_cache_hit_tokens: 0,
        prompt_cache_miss_tokens: 10,
        completion_tokens_details: { reasoning_tokens: 480 },
      },
      usage({ promptTokens: 10, completionTokens: 500, totalTokens: 510, reasoningTokens: 480 }),
    ],
    [
      "missing total",
      { prompt_tokens: 3, completion_tokens: 4 },
      usage({ promptTokens: 3, completionTokens: 4, totalTokens: 7 }),
    ],
    [
      "null details (vLLM)",
      { prompt_tokens: 3, completion_tokens: 4, total_tokens: 7, prompt_tokens_details: null },
      usage({ promptTokens: 3, completionTokens: 4, totalTokens: 7 }),
    ],
    [
      // No count at all: its zeros are unknown, not free.
      "junk values",
      { prompt_tokens: "3", completion_tokens: Number.NaN, total_tokens: -1 },
      usage({ reported: false }),
    ],
    [
      "counts past what an integer holds exactly (1e308, Infinity): no count, 0",
      {
        prompt_tokens: 1e308,
        completion_tokens: Number.POSITIVE_INFINITY,
        total_tokens: 2 ** 53 + 2,
        completion_tokens_details: { reasoning_tokens: 1e308 },
      },
      usage({ reported: false }),
    ],
    [
      "a cached or reasoning count above its whole: no more than the whole",
      {
        prompt_tokens: 100,
        completion_tokens: 10,
        prompt_tokens_details: { cached_tokens: 500 },
        completion_tokens_details: { reasoning_tokens: 80 },
      },
      usage({
        promptTokens: 100,
        completionTokens: 10,
        totalTokens: 110,
        cachedPromptTokens: 100,
        reasoningTokens: 10,
      }),
    ],
    ["no usage", undefined, usage({ reported: false })],
    ["null usage (OpenAI stream chunks)", null, usage({ reported: false })],
  ])("%s", (_name, wire, expected) => {
    expect(normalizeUsage(wire)).toEqual(expected);
  });
});
