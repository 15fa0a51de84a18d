import { describe, expect, it } from "vitest";
import { currentRuntime, type RuntimeGlobals } from "./current-runtime.js";

describe("currentRuntime", () => {
  it("this Node.js", () => {
    expect(currentRuntime()).toEqual({ name: "node", version: process.versions.node });
  });

  // What each runtime says of itself (Bun 1.4, Deno 2.9, workerd with and without
  // nodejs_compat, a browser window or worker): Bun, Deno and workerd report a Node.js version too.
  it.each<[string, RuntimeGlobals, ReturnType<typeof currentRuntime>]>([
    [
      "Node.js",
      { process: { versions: { node: "24.1.0" } }, navigator: { userAgent: "Node.js/24" } },
      { name: "node", version: "24.1.0" },
    ],
    [
      "Bun",
      {
        process: { versions: { node: "26.3.0", bun: "1.4.5" } },
        navigator: { userAgent: "Bun/1.4.5" },
      },
      { name: "bun", version: "1.4.5" },
    ],
    [
      "Deno",
      {
        process: { versions: { node: "26.3.0", deno: "2.9.6" } },
        navigator: { userAgent: "Deno/2.9.6" },
      },
      { name: "deno", version: "2.9.6" },
    ],
    [
      "a Worker with nodejs_compat",
      {
        process: { versions: { node: "22.14.0" } },
        navigator: { userAgent: "Cloudflare-Workers" },
      },
      { name: "workerd", version: undefined },
    ],
    [
      "a Worker without it",
      { navigator: { userAgent: "Cloudflare-Workers" } },
      { name: "workerd", version: undefined },
    ],
    [
      "a browser",
      {
        navigator: {
          userAgent: "Mozilla/5.0 (X11; Linux x86_64; rv:140.0) Gecko/20100101 Firefox/140.0",
        },
      },
      { name: "browser", version: undefined },
    ],
    ["a runtime that says nothing", {}, { name: "other", version: undefined }],
  ])("%s", (_name, globals, expected) => {
    expect(currentRuntime(globals)).toEqual(expected);
  });
});
