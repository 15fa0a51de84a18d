import * as core from "@loom/llm-core";
import * as testing from "@loom/llm-testing";
import * as types from "@loom/llm-types";
import { describe, expect, it } from "vitest";
import * as facade from "./index.js";

describe("@loom/llm facade", () => {
  it("re-exports every runtime export of every package, the same objects", () => {
    const all = { ...types, ...core, ...testing };
    expect(Object.keys(facade).sort()).toEqual(Object.keys(all).sort());
    const exported: Record<string, unknown> = { ...facade };
    for (const [name, value] of Object.entries(all)) {
      expect(exported[name], name).toBe(value);
    }
  });

  it("errors thrown through one are recognised by the other", () => {
    const error = new types.RateLimitError({ message: "slow down", status: 429 });
    expect(facade.RateLimitError.isInstance(error)).toBe(true);
    expect(facade.LLMError.isInstance(error)).toBe(true);
  });
});
