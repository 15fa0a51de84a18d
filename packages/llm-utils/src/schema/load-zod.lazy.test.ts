// The zod loader of Bun, Deno, Workers and browsers, run here as it is: nothing before
// `preloadZod()`, the module after it, and the same module for every later call.

import { describe, expect, it } from "vitest";
import * as zod from "zod";
import { loadZod, preloadZod, zodReady } from "./load-zod.lazy.js";

describe("load-zod.lazy", () => {
  it("has no zod until preloaded, says how to load it, then returns the one module", async () => {
    expect(zodReady()).toBe(false);
    expect(() => loadZod()).toThrow(/zod is not loaded yet on this runtime: await preloadZod\(\)/);
    const [first, second] = [preloadZod(), preloadZod()];
    expect(first).toBe(second);
    await first;
    expect(zodReady()).toBe(true);
    expect(loadZod().z).toBe(zod.z);
    expect(loadZod().z.fromJSONSchema({ type: "string" }).safeParse("x").success).toBe(true);
  });
});
