import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { PACKAGE_VERSION } from "../package-version.js";
import { userAgent, userAgentOf } from "./user-agent.js";

describe("user-agent", () => {
  it("names this package's version, as its package.json says (the build writes it)", () => {
    const manifest = JSON.parse(
      readFileSync(new URL("../../package.json", import.meta.url), "utf8"),
    ) as { version: string };
    expect(PACKAGE_VERSION).toBe(manifest.version);
  });

  it("and the runtime with its version on Node.js", () => {
    expect(userAgent()).toBe(`loom-llm/${PACKAGE_VERSION} node/${process.versions.node}`);
  });

  it.each([
    [{ name: "bun", version: "1.4.5" } as const, `loom-llm/${PACKAGE_VERSION} bun/1.4.5`],
    [{ name: "deno", version: "2.9.6" } as const, `loom-llm/${PACKAGE_VERSION} deno/2.9.6`],
    [{ name: "workerd", version: undefined } as const, `loom-llm/${PACKAGE_VERSION} workerd`],
    [{ name: "other", version: undefined } as const, `loom-llm/${PACKAGE_VERSION}`],
    // A browser sends its own, and a page's would cost a CORS preflight it rarely passes.
    [{ name: "browser", version: undefined } as const, undefined],
  ])("%o: %s", (runtime, expected) => {
    expect(userAgentOf(runtime)).toBe(expected);
  });
});
