import type { Usage } from "@loom/llm-types";
import { describe, expect, it } from "vitest";
import { BUILTIN_PRESETS } from "../preset/builtin-presets.js";
import { estimateCost } from "./estimate-cost.js";
import { findPrice, MODEL_PRICES } from "./model-price.js";

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

describe("estimateCost", () => {
  it.each<[string, string, Partial<Usage>, number]>([
    [
      "deepseek-chat, no cache",
      "deepseek-chat",
      { promptTokens: 1_000_000, completionTokens: 1_000_000 },
      0.28 + 0.42,
    ],
    [
      "deepseek-chat, small call",
      "deepseek-chat",
      { promptTokens: 1200, completionTokens: 300 },
      (1200 * 0.28 + 300 * 0.42) / 1e6,
    ],
    [
      "deepseek-chat, cache hits at the cached rate",
      "deepseek-chat",
      { promptTokens: 100, cachedPromptTokens: 64, completionTokens: 20 },
      (36 * 0.28 + 64 * 0.028 + 20 * 0.42) / 1e6,
    ],
    [
      "deepseek-reasoner, reasoning inside completion, not added twice",
      "deepseek-reasoner",
      { promptTokens: 10, completionTokens: 500, reasoningTokens: 480 },
      (10 * 0.28 + 500 * 0.42) / 1e6,
    ],
    [
      "gpt-4o-mini, OpenAI cached tokens",
      "gpt-4o-mini",
      { promptTokens: 2006, cachedPromptTokens: 1920, completionTokens: 300 },
      (86 * 0.15 + 1920 * 0.075 + 300 * 0.6) / 1e6,
    ],
    [
      "gpt-4o",
      "gpt-4o",
      { promptTokens: 1000, completionTokens: 1000 },
      (1000 * 2.5 + 1000 * 10) / 1e6,
    ],
    [
      "gpt-4.1-mini, reasoning tokens",
      "gpt-4.1-mini",
      { promptTokens: 5000, cachedPromptTokens: 1000, completionTokens: 800, reasoningTokens: 600 },
      (4000 * 0.4 + 1000 * 0.1 + 800 * 1.6) / 1e6,
    ],
    [
      "a dated model name",
      "gpt-4o-mini-2024-07-18",
      { promptTokens: 1000, completionTokens: 0 },
      (1000 * 0.15) / 1e6,
    ],
    [
      "a -latest alias",
      "gpt-4o-latest",
      { promptTokens: 1000, completionTokens: 0 },
      (1000 * 2.5) / 1e6,
    ],
    [
      "claude-haiku-4-5, Anthropic cache reads and writes at their rates",
      "claude-haiku-4-5",
      {
        promptTokens: 10_000,
        cachedPromptTokens: 6_000,
        cacheWriteTokens: 3_000,
        completionTokens: 100,
      },
      (1_000 * 1 + 6_000 * 0.1 + 3_000 * 1.25 + 100 * 5) / 1e6,
    ],
    [
      "cache writes without a write price: the input rate",
      "gpt-4o-mini",
      { promptTokens: 1_000, cacheWriteTokens: 400, completionTokens: 0 },
      (1_000 * 0.15) / 1e6,
    ],
    [
      "reads and writes above the prompt are capped by it, never a negative input",
      "claude-haiku-4-5",
      { promptTokens: 100, cachedPromptTokens: 80, cacheWriteTokens: 80, completionTokens: 0 },
      (80 * 0.1 + 20 * 1.25) / 1e6,
    ],
    ["zero tokens", "deepseek-chat", {}, 0],
  ])("%s", (_name, model, u, expected) => {
    // Anthropic's prices are its preset's, over the built-in table.
    const cost = estimateCost(model, usage(u), {
      ...MODEL_PRICES,
      ...BUILTIN_PRESETS.anthropic.prices,
    });
    expect(cost).toBeDefined();
    expect(Math.abs((cost?.usd ?? Number.NaN) - expected)).toBeLessThan(1e-12);
  });

  it("breaks the cost down", () => {
    const cost = estimateCost(
      "deepseek-chat",
      usage({ promptTokens: 100, cachedPromptTokens: 64, completionTokens: 20 }),
    );
    expect(cost?.breakdown.inputUsd).toBeCloseTo((36 * 0.28) / 1e6, 15);
    expect(cost?.breakdown.cachedInputUsd).toBeCloseTo((64 * 0.028) / 1e6, 15);
    expect(cost?.breakdown.outputUsd).toBeCloseTo((20 * 0.42) / 1e6, 15);
    expect(cost?.breakdown.cacheWriteUsd).toBe(0);
  });

  it.each(["qwen2.5-0.5b-instruct", "llama3", "models/tiny.gguf", "gpt-4o-minimal"])(
    "unknown model %s: undefined, never a guess",
    (model) => {
      expect(
        estimateCost(model, usage({ promptTokens: 100, completionTokens: 100 })),
      ).toBeUndefined();
    },
  );

  it("a usage built by hand (token counters, no `reported`) is priced", () => {
    const estimate = estimateCost("deepseek-chat", { promptTokens: 1_000, completionTokens: 500 });
    expect(estimate?.usd).toBeCloseTo((1_000 * 0.28 + 500 * 0.42) / 1e6, 15);
    expect(estimate?.breakdown.cachedInputUsd).toBe(0);
  });

  it("unreported usage: undefined (the figure is missing, not zero)", () => {
    expect(estimateCost("deepseek-chat", usage({ reported: false }))).toBeUndefined();
  });

  it("takes one price, or a table that overrides", () => {
    const price = { inputPerMtok: 1, outputPerMtok: 2 };
    expect(
      estimateCost(
        "anything",
        usage({ promptTokens: 1e6, cachedPromptTokens: 5e5, completionTokens: 1e6 }),
        price,
      )?.usd,
    ).toBeCloseTo(3, 12);
    expect(estimateCost("mine", usage({ promptTokens: 1e6 }), { mine: price })?.usd).toBeCloseTo(
      1,
      12,
    );
    expect(
      estimateCost("deepseek-chat", usage({ promptTokens: 1e6 }), { mine: price }),
    ).toBeUndefined();
  });

  it("findPrice prefers the longest matching name", () => {
    expect(findPrice("gpt-4o-mini-2024-07-18")?.inputPerMtok).toBe(0.15);
    expect(findPrice("gpt-4o-2024-08-06")?.inputPerMtok).toBe(2.5);
  });
});
