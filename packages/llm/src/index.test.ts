import * as types from "@loom/llm-types";
import { describe, expect, it } from "vitest";
import * as facade from "./index.js";

describe("@loom/llm facade", () => {
  it("re-exports every runtime export of @loom/llm-types, the same objects", () => {
    expect(Object.keys(facade).sort()).toEqual(Object.keys(types).sort());
    const exported: Record<string, unknown> = { ...facade };
    for (const [name, value] of Object.entries(types)) {
      expect(exported[name], name).toBe(value);
    }
  });

  it("errors thrown through one are recognised by the other", () => {
    const error = new types.RateLimitError({ message: "slow down", status: 429 });
    expect(facade.RateLimitError.isInstance(error)).toBe(true);
    expect(facade.LLMError.isInstance(error)).toBe(true);
  });
});
