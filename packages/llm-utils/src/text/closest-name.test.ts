import { describe, expect, it } from "vitest";
import { closestName } from "./closest-name.js";

describe("closestName", () => {
  const keys = ["temperature", "maxTokens", "max_tokens", "model", "base_url"];
  it.each([
    ["temprature", "temperature"],
    ["maxtokens", "maxTokens"],
    ["max-tokens", "maxTokens"],
    ["baseurl", "base_url"],
    ["modle", "model"],
    ["colour", undefined],
    ["", undefined],
  ])("%j -> %j", (name, expected) => {
    expect(closestName(name, keys)).toBe(expected);
  });
});
