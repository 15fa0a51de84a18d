// Users install packages from the registry, not this workspace: pack every package, install the
// tarballs with npm into a fresh project (no workspace links), and use them there.
import { execFile, spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { beforeAll, describe, expect, it } from "vitest";

const exec = promisify(execFile);
const repo = fileURLToPath(new URL("..", import.meta.url));
const work = mkdtempSync(join(tmpdir(), "loom-pack-"));
const project = join(work, "app");
const tarballs: Record<string, string> = {};
const contents: Record<string, string[]> = {};
/** Runs a command; a failure reports its output (npm's errors are on stderr). */
async function sh(command: string, args: string[], cwd: string): Promise<{ stdout: string }> {
  try {
    return await exec(command, args, { cwd, maxBuffer: 16 << 20, timeout: 120_000 });
  } catch (error) {
    const { stdout = "", stderr = "" } = error as { stdout?: string; stderr?: string };
    throw Object.assign(
      new Error(
        `${command} ${args.join(" ")} failed in ${cwd}:\n${stderr}\n${stdout}`.slice(0, 4_000),
      ),
      { stdout },
    );
  }
}

beforeAll(async () => {
  for (const dir of readdirSync(join(repo, "packages"))) {
    const { stdout } = await sh(
      "pnpm",
      ["pack", "--pack-destination", work, "--json"],
      join(repo, "packages", dir),
    );
    const packed = JSON.parse(stdout) as {
      name: string;
      filename: string;
      files: { path: string }[];
    };
    tarballs[packed.name] = packed.filename;
    contents[packed.name] = packed.files.map((f) => f.path);
  }
  // Every @loom package from its tarball, nested dependencies too (they are not on the registry).
  const deps = Object.fromEntries(
    Object.entries(tarballs).map(([name, file]) => [name, `file:${file}`]),
  );
  mkdirSync(project, { recursive: true });
  writeFileSync(
    join(project, "package.json"),
    JSON.stringify(
      { name: "app", private: true, type: "module", dependencies: { ...deps }, overrides: deps },
      null,
      2,
    ),
  );
  await sh("npm", ["install", "--no-audit", "--no-fund", "--loglevel=error"], project);
}, 300_000);

describe("installed from tarballs", () => {
  it("each tarball holds dist, README, LICENSE and package.json only (and the CLI its playground page)", () => {
    expect(Object.keys(contents).sort()).toEqual([
      "@loom/llm",
      "@loom/llm-cli",
      "@loom/llm-core",
      "@loom/llm-otel",
      "@loom/llm-providers",
      "@loom/llm-redis",
      "@loom/llm-testing",
      "@loom/llm-types",
      "@loom/llm-utils",
    ]);
    for (const [name, files] of Object.entries(contents)) {
      // The playground's page is a file the CLI serves as it is (assets/playground.html).
      const assets = name === "@loom/llm-cli" ? ["assets/playground.html"] : [];
      expect(
        files.filter((f) => !/^(dist\/|README\.md$|LICENSE$|package\.json$)/.test(f)),
        name,
      ).toEqual(assets);
      expect(files, name).toContain("LICENSE");
      expect(
        files.filter((f) => /\.test\.|\.fixture\./.test(f)),
        name,
      ).toEqual([]);
    }
  });

  it("@loom/llm-core alone, with @loom/llm-testing: a call against the fake server", async () => {
    writeFileSync(
      join(project, "core-only.mjs"),
      `import { ChatClient } from "@loom/llm-core";
import { completionBody, createFakeServer } from "@loom/llm-testing";
const server = await createFakeServer({ replies: [{ type: "json", body: completionBody({ content: "installed and working" }) }] });
const llm = new ChatClient({}, { baseUrl: server.baseUrl, model: "m" });
const res = await llm.call({ messages: [{ role: "user", content: "hi" }] });
console.log(res.content);
await llm.close();
await server.close();
`,
    );
    const { stdout } = await sh(process.execPath, ["core-only.mjs"], project);
    expect(stdout.trim()).toBe("installed and working");
  });

  it("the CLI's package: --help and an --offline chat; the facade has no binary", async () => {
    const facade = JSON.parse(
      readFileSync(join(project, "node_modules", "@loom", "llm", "package.json"), "utf8"),
    ) as { bin?: unknown };
    expect(facade.bin).toBeUndefined();
    const cli = JSON.parse(
      readFileSync(join(project, "node_modules", "@loom", "llm-cli", "package.json"), "utf8"),
    ) as { bin?: unknown };
    expect(cli.bin).toEqual({ "loom-llm": "./dist/main.js" });
    const bin = join(project, "node_modules", ".bin", "loom-llm");
    expect((await sh(bin, ["--help"], project)).stdout).toContain("Usage:");
    const chat = await sh(bin, ["chat", "--offline", "installed?"], project);
    expect(chat.stdout).toContain('You asked: "installed?"');
  });

  it("the installed CLI serves the playground's page from its tarball", async () => {
    const bin = join(project, "node_modules", ".bin", "loom-llm");
    const child = spawn(bin, ["playground", "--offline"], { cwd: project, stdio: "pipe" });
    try {
      const url = await new Promise<string>((resolve, reject) => {
        let out = "";
        child.stdout.on("data", (chunk: Buffer) => {
          out += chunk.toString();
          const found = /^http:\/\/\S+/m.exec(out)?.[0];
          if (found !== undefined) resolve(found);
        });
        child.once("exit", (code) => reject(new Error(`loom-llm playground exited ${code}`)));
      });
      const page = await fetch(url);
      expect(page.status).toBe(200);
      expect(await page.text()).toContain(`customElements.define("loom-pane"`);
    } finally {
      child.kill("SIGINT");
      await new Promise((resolve) => child.once("exit", resolve));
    }
  });

  it("a consumer file type-checks against the published .d.ts", async () => {
    writeFileSync(
      join(project, "consumer.ts"),
      `import { type ChatModel, defineTool, LLMProvider, type LLMResponse } from "@loom/llm";
import { MockLLM } from "@loom/llm-testing";
import { z } from "zod";
const tool = defineTool({ name: "t", parameters: z.object({ q: z.string() }), execute: ({ q }) => q.toUpperCase() });
const model: ChatModel = new MockLLM(["ok"]);
export async function ask(llm: ChatModel = model): Promise<string> {
  const res: LLMResponse = await llm.call({ messages: [{ role: "user", content: "hi" }], tools: [tool] });
  return res.content;
}
export const provider: LLMProvider = LLMProvider.fromName({ env: {} }, "local");
`,
    );
    writeFileSync(
      join(project, "tsconfig.json"),
      JSON.stringify({
        compilerOptions: {
          strict: true,
          module: "nodenext",
          moduleResolution: "nodenext",
          target: "es2023",
          noEmit: true,
          skipLibCheck: false,
          types: ["node"],
        },
        files: ["consumer.ts"],
      }),
    );
    await sh(
      "npm",
      // A Node library's users have Node's types: undici's declarations need them as ours do.
      ["install", "--no-audit", "--no-fund", "--loglevel=error", "zod@^4.6.7", "@types/node@^24"],
      project,
    );
    const tsc = join(repo, "node_modules", ".bin", "tsc");
    // tsc reports type errors on stdout and exits non-zero: show them if it fails, whatever
    // the reason (a tsc that cannot start fails here too, not silently).
    const result = await exec(tsc, ["-p", "tsconfig.json"], {
      cwd: project,
      timeout: 110_000,
    }).then(
      () => ({ code: 0, out: "" }),
      (error: { code?: unknown; stdout?: string; stderr?: string }) => ({
        code: error.code,
        out: `${error.stdout ?? ""}${error.stderr ?? ""}`,
      }),
    );
    expect(result).toEqual({ code: 0, out: "" });
    // A whole type-check in a process of its own: seconds here, more than the default 20 s on
    // a loaded machine (it was, once, in CI), so it has the bound its command has.
  }, 120_000);

  // Last: it removes the testing package from the project.
  it("without @loom/llm-testing, --offline says what to install", async () => {
    const manifest = JSON.parse(
      readFileSync(join(project, "node_modules", "@loom", "llm-cli", "package.json"), "utf8"),
    ) as { dependencies: Record<string, string>; peerDependenciesMeta: Record<string, unknown> };
    expect(Object.keys(manifest.dependencies)).not.toContain("@loom/llm-testing");
    expect(manifest.peerDependenciesMeta["@loom/llm-testing"]).toEqual({ optional: true });
    rmSync(join(project, "node_modules", "@loom", "llm-testing"), { recursive: true });
    const bin = join(project, "node_modules", ".bin", "loom-llm");
    const failed = await exec(bin, ["chat", "--offline", "hi"], { cwd: project }).then(
      () => undefined,
      (error: { code?: number; stderr?: string }) => error,
    );
    expect(failed?.code).toBe(3);
    expect(failed?.stderr).toContain("npm install --save-dev @loom/llm-testing");
    // Everything else still works without it.
    expect((await sh(bin, ["providers"], project)).stdout).toContain("deepseek");
  });
});
