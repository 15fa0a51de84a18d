import { describe, expect, it } from "vitest";
import { normalizeUsage } from "./normalize-usage.js";

describe("normalizeUsage", () => {
  it("cache reads and writes are part of the prompt, and reported apart", () => {
    expect(
      normalizeUsage({
        input_tokens: 50,
        cache_creation_input_tokens: 1_000,
        cache_read_input_tokens: 2_000,
        output_tokens: 300,
      }),
    ).toEqual({
      promptTokens: 3_050,
      completionTokens: 300,
      totalTokens: 3_350,
      cachedPromptTokens: 2_000,
      cacheWriteTokens: 1_000,
      reasoningTokens: 0,
      reported: true,
    });
  });

  it("llama.cpp's usage (cache reads, no writes)", () => {
    expect(
      normalizeUsage({ cache_read_input_tokens: 10, input_tokens: 43, output_tokens: 6 }),
    ).toMatchObject({
      promptTokens: 53,
      cachedPromptTokens: 10,
      cacheWriteTokens: 0,
      totalTokens: 59,
    });
  });

  it("values that are not counts count 0", () => {
    expect(
      normalizeUsage({ input_tokens: "5", output_tokens: Number.NaN, cache_read_input_tokens: -1 }),
    ).toMatchObject({ promptTokens: 0, completionTokens: 0, totalTokens: 0, reported: false });
  });

  it.each([undefined, null, "usage"])("%j: zeros, reported false", (wire) => {
    expect(normalizeUsage(wire)).toEqual({
      promptTokens: 0,
      completionTokens: 0,
      totalTokens: 0,
      cachedPromptTokens: 0,
      cacheWriteTokens: 0,
      reasoningTokens: 0,
      reported: false,
    });
  });
});
