// An app that imports zod mini alone: its zod is configured with no locale, so every issue it
// makes reads "Invalid input" (zod classic configures English when imported, which is why this
// file imports nothing of it but the CommonJS copy the expected messages come from).
import { createRequire } from "node:module";
import { describe, expect, it } from "vitest";
import * as mini from "zod/mini";
import { safeParse } from "./safe-parse.js";

const classic = createRequire(import.meta.url)("zod") as typeof import("zod");

describe("safeParse with zod mini alone", () => {
  it("gives a failure zod classic's English messages, not zod mini's bare ones", () => {
    const args = mini.object({ city: mini.string().check(mini.minLength(2)), n: mini.number() });
    // As zod mini says it by itself.
    expect(args.safeParse({ city: "Q", n: "x" }).error?.issues.map((i) => i.message)).toEqual([
      "Invalid input",
      "Invalid input",
    ]);
    const failed = safeParse(args, { city: "Q", n: "x" });
    expect(failed.success).toBe(false);
    if (failed.success) return;
    expect(failed.error.issues.map((issue) => [issue.path, issue.message])).toEqual([
      [["city"], classic.string().min(2).safeParse("Q").error?.issues[0]?.message],
      [["n"], classic.number().safeParse("x").error?.issues[0]?.message],
    ]);
    expect(failed.error.issues[0]?.message).toMatch(/>=2 characters/);
  });

  it("keeps a schema's own message", () => {
    const own = mini.object({ n: mini.number({ error: "n must be a number of days" }) });
    const kept = safeParse(own, { n: "x" });
    expect(kept.success ? "passed" : kept.error.issues[0]?.message).toBe(
      "n must be a number of days",
    );
  });
});
