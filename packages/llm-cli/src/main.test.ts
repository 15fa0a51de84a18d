import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";

const run = promisify(execFile);
const main = fileURLToPath(new URL("../dist/main.js", import.meta.url));

describe("loom-llm on an unsupported Node.js", () => {
  it("says which Node.js it needs, in one line, and exits 1", async () => {
    const pretend = `data:text/javascript,Object.defineProperty(process, "versions", { value: { ...process.versions, node: "20.1.0" } })`;
    const result = await run(process.execPath, ["--import", pretend, main, "--help"], {
      timeout: 15_000,
    }).then(
      () => ({ code: 0, stderr: "" }),
      (e: { code: number; stderr: string }) => e,
    );
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(
      "loom-llm: needs Node.js >= 22.19; this is Node.js 20.1.0. Install a newer Node.js (nodejs.org, or a version manager such as nvm or fnm).\n",
    );
  });
});
