import { execFile, execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";

const run = promisify(execFile);
const entry = fileURLToPath(new URL("../dist/index.js", import.meta.url));
const load = `import(${JSON.stringify(entry)}).then(() => console.log("loaded"), (e) => { console.error(e.name + ": " + e.message); process.exit(1); })`;

const SYSTEM_NODE = "/usr/bin/node";
const systemVersion = existsSync(SYSTEM_NODE)
  ? execFileSync(SYSTEM_NODE, ["-p", "process.versions.node"]).toString().trim()
  : undefined;

/** Runs `load` in a fresh process; its exit code and output. */
async function importWith(node: string, args: string[] = []) {
  return run(node, [...args, "-e", load], { timeout: 15_000 }).then(
    ({ stdout, stderr }) => ({ code: 0, stdout, stderr }),
    (e: { code: number; stdout: string; stderr: string }) => e,
  );
}

describe("an unsupported Node.js is named at import", () => {
  it("a Node.js that says it is 20.1 gets the version it has and the one it needs", async () => {
    const pretend = `data:text/javascript,Object.defineProperty(process, "versions", { value: { ...process.versions, node: "20.1.0" } })`;
    const result = await importWith(process.execPath, ["--import", pretend]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(
      "UnsupportedRuntimeError: @loom/llm-core needs Node.js >= 22.19; this is Node.js 20.1.0",
    );
    expect(result.stderr).not.toContain("reading 'bind'");
  });

  it("Bun, Deno and Workers report a Node.js version of their own: not checked", async () => {
    const old = 'node: "20.1.0"';
    const pretenders = [
      `Object.defineProperty(process, "versions", { value: { ...process.versions, ${old}, bun: "1.4.5" } })`,
      `Object.defineProperty(process, "versions", { value: { ...process.versions, ${old}, deno: "2.9.6" } })`,
      `Object.defineProperty(process, "versions", { value: { ...process.versions, ${old} } }); Object.defineProperty(navigator, "userAgent", { value: "Cloudflare-Workers" })`,
    ];
    const results = await Promise.all(
      pretenders.map((code) =>
        importWith(process.execPath, ["--import", `data:text/javascript,${code}`]),
      ),
    );
    for (const result of results) expect(result.stdout).toContain("loaded");
  });

  it("this Node.js loads it", async () => {
    const result = await importWith(process.execPath);
    expect(result.stdout).toContain("loaded");
  });

  // The machines' own Node.js is 20 (the set-up installs 24 beside it): the real thing.
  it.runIf(systemVersion !== undefined && Number(systemVersion.split(".")[0]) < 22)(
    `the machine's own Node.js (${systemVersion ?? "none"})`,
    async () => {
      const result = await importWith(SYSTEM_NODE);
      expect(result.code).toBe(1);
      expect(result.stderr).toContain(`this is Node.js ${systemVersion}`);
    },
  );
});
