import { describe, expect, it } from "vitest";
import * as zod from "zod";
import * as mini from "zod/mini";
import type { $ZodType } from "zod/v4/core";
import { safeParse } from "./safe-parse.js";

describe("safeParse", () => {
  it("validates with zod classic's and zod mini's schemas alike, their output and their issues", () => {
    for (const schema of [
      zod.object({ n: zod.number().default(1) }),
      mini.object({ n: mini._default(mini.number(), 1) }),
    ]) {
      expect(safeParse(schema, {})).toEqual({ success: true, data: { n: 1 } });
      const failed = safeParse(schema, { n: "one" });
      expect(failed.success).toBe(false);
      if (!failed.success)
        expect(failed.error.issues[0]).toMatchObject({ path: ["n"], code: "invalid_type" });
    }
  });

  it("a schema without a safeParse of its own (built on zod/v4/core alone) is validated by zod's", () => {
    const bare = { _zod: mini.string()._zod } as unknown as $ZodType;
    expect("safeParse" in bare).toBe(false);
    expect(safeParse(bare, "x")).toEqual({ success: true, data: "x" });
    expect(safeParse(bare, 1).success).toBe(false);
  });

  it("a value nested deeper than the stack fails its check, as an issue; other errors are thrown", () => {
    type Tree = { a?: Tree | undefined };
    const tree: zod.ZodType<Tree> = zod.lazy(() => zod.object({ a: tree.optional() }));
    const deep = JSON.parse(`${'{"a":'.repeat(100_000)}{}${"}".repeat(100_000)}`) as unknown;
    expect(safeParse(tree, deep)).toEqual({
      success: false,
      error: {
        issues: [
          {
            code: "custom",
            path: [],
            message: "nested too deeply to check against the schema (the stack ran out)",
          },
        ],
      },
    });
    expect(safeParse(tree, { a: { a: {} } }).success).toBe(true);
    const refusing = zod.string().refine(() => {
      throw new RangeError("a refinement's own");
    });
    expect(() => safeParse(refusing, "x")).toThrow("a refinement's own");
  });
});
