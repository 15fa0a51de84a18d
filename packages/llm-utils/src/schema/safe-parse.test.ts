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
});
