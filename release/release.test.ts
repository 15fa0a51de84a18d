// The release, end to end, against a real registry: a local verdaccio with no uplink. A copy of
// the repository publishes every @loom package the way a maintainer does (a changeset,
// `changeset version`, `pnpm release`); fresh projects then install them piece by piece with npm
// and with pnpm, as users do, and Bun and Deno projects install @loom/llm from it and run a
// call and a stream; a patch release follows and the users update to it.
import { type ChildProcess, execFile, spawn } from "node:child_process";
import { createHash, randomUUID } from "node:crypto";
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { gunzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runtimeBinary } from "../scripts/runtime-binary.mjs";

const exec = promisify(execFile);
const repo = fileURLToPath(new URL("..", import.meta.url));
const here = fileURLToPath(new URL(".", import.meta.url));
const work = mkdtempSync(join(tmpdir(), "loom-release-"));
/** The maintainer's checkout: a copy of the working tree, so the repository itself is untouched. */
const checkout = join(work, "repo");
const tsc = join(repo, "node_modules", ".bin", "tsc");

type Manifest = {
  name: string;
  version: string;
  private?: boolean;
  types?: string;
  files?: string[];
  engines?: Record<string, string>;
  exports?: Record<string, string | Record<string, string>>;
  bin?: Record<string, string>;
  license?: string;
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
  dist?: { tarball: string; integrity: string };
};
type Packument = {
  "dist-tags": Record<string, string>;
  versions: Record<string, Manifest>;
};

const readJson = <T>(file: string): T => JSON.parse(readFileSync(file, "utf8")) as T;
/** The published packages, by directory under packages/: what the release must publish. */
const packageDirs = Object.fromEntries(
  readdirSync(join(repo, "packages"))
    .filter((dir) => existsSync(join(repo, "packages", dir, "package.json")))
    .map((dir) => [readJson<Manifest>(join(repo, "packages", dir, "package.json")), dir] as const)
    .filter(([manifest]) => manifest.private !== true)
    .map(([manifest, dir]) => [manifest.name, dir]),
);
const names = Object.keys(packageDirs).sort();
const sourceManifest = (name: string): Manifest =>
  readJson<Manifest>(join(checkout, "packages", packageDirs[name] ?? name, "package.json"));

// Children run as in a user's shell, not inside this runner: no vitest, turbo, git or
// package-script variables (a nested turbo, pnpm or git would take them as its own), no registry
// token from the machine, and no API key that would take the CLI online.
const userEnv: NodeJS.ProcessEnv = {
  ...Object.fromEntries(
    Object.entries(process.env).filter(
      ([name]) =>
        !/^(VITEST|TURBO_|GIT_|npm_|pnpm_)|^(TEST|NODE_ENV|NODE_AUTH_TOKEN)$|_API_KEY$/i.test(name),
    ),
  ),
  // The copy commits and tags as its own maintainer, whatever this machine's git config says.
  GIT_CONFIG_GLOBAL: join(work, "gitconfig"),
  GIT_CONFIG_NOSYSTEM: "1",
  TURBO_TELEMETRY_DISABLED: "1",
};

type Result = { code: number; stdout: string; stderr: string };
/** Runs a command to its end, whatever its exit status. */
async function attempt(
  command: string,
  args: string[],
  cwd: string,
  env: NodeJS.ProcessEnv = userEnv,
): Promise<Result> {
  return exec(command, args, { cwd, env, maxBuffer: 32 << 20, timeout: 180_000 }).then(
    ({ stdout, stderr }) => ({ code: 0, stdout, stderr }),
    (error: { code?: unknown; signal?: unknown; stdout?: string; stderr?: string }) => ({
      code: typeof error.code === "number" ? error.code : -1,
      stdout: error.stdout ?? "",
      // A command that could not start or was killed (the timeout) says so.
      stderr: `${error.stderr ?? ""}${typeof error.code === "number" ? "" : ` (${String(error.code ?? error.signal)})`}`,
    }),
  );
}
/** Runs a command that must succeed; a failure reports its output. */
async function sh(
  command: string,
  args: string[],
  cwd: string,
  env: NodeJS.ProcessEnv = userEnv,
): Promise<string> {
  const result = await attempt(command, args, cwd, env);
  if (result.code !== 0) {
    // The end of the output holds the error (pnpm and changesets print their progress first).
    const output = `${result.stderr}\n${result.stdout}`.trim().slice(-6_000);
    throw new Error(`${command} ${args.join(" ")} failed (${result.code}) in ${cwd}:\n${output}`);
  }
  return result.stdout;
}

/** The files of a gzipped tarball, by path without npm's leading `package/`. */
function untar(gzipped: Buffer): Map<string, Buffer> {
  const tar = gunzipSync(gzipped);
  const files = new Map<string, Buffer>();
  let paxPath: string | undefined;
  for (let offset = 0; offset + 512 <= tar.length; ) {
    const header = tar.subarray(offset, offset + 512);
    if (header.every((byte) => byte === 0)) break;
    const field = (start: number, length: number): string =>
      header
        .subarray(start, start + length)
        .toString("utf8")
        .replace(/\0.*$/s, "");
    const size = Number.parseInt(field(124, 12).trim() || "0", 8);
    const type = field(156, 1);
    const body = tar.subarray(offset + 512, offset + 512 + size);
    if (type === "x") {
      // A pax header carries the next entry's long path.
      paxPath = /(?:^|\n)\d+ path=([^\n]*)\n/.exec(body.toString("utf8"))?.[1];
    } else {
      const prefix = field(345, 155);
      const path = paxPath ?? (prefix ? `${prefix}/${field(0, 100)}` : field(0, 100));
      if (type === "0" || type === "") files.set(path.replace(/^package\//, ""), body);
      paxPath = undefined;
    }
    offset += 512 + Math.ceil(size / 512) * 512;
  }
  return files;
}

// --- The registry ---------------------------------------------------------------------------

let registry: ChildProcess | undefined;
let registryUrl = "";
/** The maintainer's token: only the release command's environment has it. */
let token = "";

/** Starts verdaccio (registry.ts) and resolves with its URL once it listens. */
async function startRegistry(): Promise<string> {
  const config = join(work, "verdaccio.yaml");
  // No uplink: every @loom package it serves was published here, and nothing else is served.
  // One account may sign up (the maintainer); reading needs none, publishing needs it.
  writeFileSync(
    config,
    `storage: ${JSON.stringify(join(work, "storage"))}
auth:
  htpasswd:
    file: ${JSON.stringify(join(work, "htpasswd"))}
    max_users: 1
uplinks: {}
packages:
  "@loom/*":
    access: $all
    publish: $authenticated
    unpublish: $authenticated
web:
  enable: false
log: { type: stdout, format: pretty, level: error }
`,
  );
  const child = spawn(process.execPath, [join(here, "registry.ts"), config], {
    cwd: here,
    env: userEnv,
    stdio: ["pipe", "pipe", "pipe"],
  });
  registry = child;
  let output = "";
  const port = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`verdaccio did not start:\n${output}`)),
      60_000,
    );
    child.stdout?.on("data", (chunk: Buffer) => {
      output += chunk.toString("utf8");
      const listening = /^(\d+)$/m.exec(output);
      if (listening?.[1]) {
        clearTimeout(timer);
        resolve(listening[1]);
      }
    });
    child.stderr?.on("data", (chunk: Buffer) => {
      output += chunk.toString("utf8");
    });
    child.on("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`verdaccio exited (${code}) before listening:\n${output}`));
    });
  });
  return `http://127.0.0.1:${port}/`;
}

async function stopRegistry(): Promise<void> {
  const child = registry;
  if (child === undefined || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once("exit", resolve));
  child.kill("SIGTERM");
  const killer = setTimeout(() => child.kill("SIGKILL"), 5_000);
  await exited;
  clearTimeout(killer);
}

/** GET of a package's document from the registry, as npm reads it. */
async function packument(name: string): Promise<Packument> {
  const response = await fetch(`${registryUrl}${name.replace("/", "%2f")}`);
  expect(response.status, name).toBe(200);
  return (await response.json()) as Packument;
}

// --- The maintainer -------------------------------------------------------------------------

/** The environment of the maintainer's commands: the user's, plus the registry token and the
 *  npmrc that reads it, as CI has them. */
const releaseEnv = (): NodeJS.ProcessEnv => ({
  ...userEnv,
  NPM_CONFIG_USERCONFIG: join(work, "npmrc"),
  NPM_TOKEN: token,
});

/** Copies the working tree as git sees it (tracked and new files, not ignored ones: no
 *  node_modules, dist or caches), so the copy builds from the sources as a clean clone does. */
async function copyWorkingTree(): Promise<void> {
  const { stdout } = await exec(
    "git",
    ["ls-files", "-z", "--cached", "--others", "--exclude-standard"],
    { cwd: repo, maxBuffer: 16 << 20 },
  );
  for (const file of new Set(stdout.split("\0").filter(Boolean))) {
    const from = join(repo, file);
    // A tracked file deleted in the working tree is not part of the next commit either.
    if (!existsSync(from)) continue;
    mkdirSync(dirname(join(checkout, file)), { recursive: true });
    copyFileSync(from, join(checkout, file));
  }
}

/** Writes a changeset bumping every @loom package, then does what a maintainer does with it:
 *  `changeset version`, commit the result, `pnpm release`. Returns the release's version. */
async function release(bump: "minor" | "patch", summary: string): Promise<string> {
  writeFileSync(
    join(checkout, ".changeset", `release-test-${bump}.md`),
    `---\n${names.map((name) => `"${name}": ${bump}`).join("\n")}\n---\n\n${summary}\n`,
  );
  await sh("pnpm", ["changeset", "version"], checkout, releaseEnv());
  await sh("git", ["add", "-A"], checkout);
  await sh("git", ["commit", "-q", "-m", "Version Packages"], checkout);
  await sh("pnpm", ["release"], checkout, releaseEnv());
  const versions = new Set(names.map((name) => sourceManifest(name).version));
  // One fixed group: every package at one version.
  expect([...versions]).toHaveLength(1);
  return [...versions][0] ?? "";
}

const MINOR = "The first release published to the local registry.";
const PATCH = "A patch release published to the local registry.";
let before = "";
let first = "";

beforeAll(async () => {
  writeFileSync(
    join(work, "gitconfig"),
    "[user]\n\tname = Release Test\n\temail = release@example.invalid\n[init]\n\tdefaultBranch = main\n[commit]\n\tgpgsign = false\n[tag]\n\tgpgsign = false\n",
  );
  registryUrl = await startRegistry();
  // The maintainer's account, created through the registry's API (what `npm adduser` does).
  const signup = await fetch(`${registryUrl}-/user/org.couchdb.user:maintainer`, {
    method: "PUT",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ name: "maintainer", password: randomUUID() }),
  });
  expect(signup.status).toBe(201);
  token = ((await signup.json()) as { token: string }).token;
  expect(token).not.toBe("");

  await copyWorkingTree();
  // The project's .npmrc points the scope at the registry under test (npm's own needs no line);
  // the token goes where CI puts a real one: the user's npmrc, read from the environment. pnpm
  // ignores a project .npmrc's `${NPM_TOKEN}`, since a repository must not direct credentials.
  writeFileSync(
    join(checkout, ".npmrc"),
    `${readFileSync(join(checkout, ".npmrc"), "utf8")}@loom:registry=${registryUrl}\n`,
  );
  writeFileSync(
    join(work, "npmrc"),
    `${registryUrl.replace(/^http:/, "")}:_authToken=\${NPM_TOKEN}\n`,
  );
  await sh("pnpm", ["install", "--frozen-lockfile", "--prefer-offline"], checkout, releaseEnv());
  await sh("git", ["init", "-q"], checkout);
  await sh("git", ["add", "-A"], checkout);
  await sh("git", ["commit", "-q", "-m", "Loom LLM"], checkout);
  before = sourceManifest("@loom/llm-core").version;
  first = await release("minor", MINOR);
}, 300_000);

afterAll(async () => {
  await stopRegistry();
  rmSync(work, { recursive: true, force: true });
});

/** Splits a semver core into numbers, for comparing. */
const parts = (version: string): number[] => version.split(/[.+-]/, 3).map(Number);
/** A number that orders release versions as semver does. */
const rank = (version: string): number => parts(version).reduce((sum, n) => sum * 1e4 + n, 0);
const patchOf = (version: string): string => {
  const [major, minor, patch] = parts(version);
  return `${major}.${minor}.${(patch ?? 0) + 1}`;
};

describe("the release command publishes", () => {
  it("every @loom package, at one new version, and tags it in git", async () => {
    expect(names).toEqual([
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
    expect(first).toMatch(/^\d+\.\d+\.\d+$/);
    expect(rank(first), `${before} -> ${first}`).toBeGreaterThan(rank(before));
    const bins: Record<string, string> = {};
    for (const name of names) {
      const doc = await packument(name);
      expect(Object.keys(doc.versions), name).toEqual([first]);
      expect(doc["dist-tags"], name).toEqual({ latest: first });
      for (const bin of Object.keys(doc.versions[first]?.bin ?? {})) bins[bin] = name;
    }
    // One binary, in the CLI's own package: the facade is the library alone.
    expect(bins).toEqual({ "loom-llm": "@loom/llm-cli" });
    const tags = (await sh("git", ["tag", "--points-at", "HEAD"], checkout)).split("\n");
    expect(tags.filter(Boolean).sort()).toEqual(names.map((name) => `${name}@${first}`).sort());
    // The token was needed: nobody publishes without it. And the registry serves nothing else
    // (no uplink): every other package the users install comes from the public registry.
    const anonymous = await fetch(`${registryUrl}@loom%2fllm-core`, {
      method: "PUT",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ name: "@loom/llm-core", versions: {} }),
    });
    expect(anonymous.status).toBe(401);
    expect((await fetch(`${registryUrl}zod`)).ok).toBe(false);
  });

  it.for(names)("%s: a manifest and tarball fit for users", async (name) => {
    const source = sourceManifest(name);
    const doc = await packument(name);
    const published = doc.versions[first];
    if (published?.dist === undefined) throw new Error(`${name}@${first} has no dist`);
    expect(published.version).toBe(first);
    expect(JSON.stringify(published), "no workspace: range is left").not.toContain("workspace:");
    // Each workspace range becomes the released version's caret range; the others stay.
    const rewritten = (ranges: Record<string, string> = {}): Record<string, string> =>
      Object.fromEntries(
        Object.entries(ranges).map(([dep, range]) => [
          dep,
          range.startsWith("workspace:") ? `^${first}` : range,
        ]),
      );
    expect(published.dependencies ?? {}).toEqual(rewritten(source.dependencies));
    expect(published.peerDependencies ?? {}).toEqual(rewritten(source.peerDependencies));
    expect(published.optionalDependencies ?? {}).toEqual(rewritten(source.optionalDependencies));
    for (const field of ["exports", "types", "files", "engines", "bin", "license"] as const) {
      expect(published[field], `${name} ${field}`).toEqual(source[field]);
    }
    expect(published.engines?.node, "engines.node").toMatch(/^>=2\d/);

    const response = await fetch(published.dist.tarball);
    expect(response.status).toBe(200);
    const tarball = Buffer.from(await response.arrayBuffer());
    expect(`sha512-${createHash("sha512").update(tarball).digest("base64")}`).toBe(
      published.dist.integrity,
    );
    const files = untar(tarball);
    const paths = [...files.keys()];
    // What `files` allows and npm always adds: the build, README, LICENSE, the manifest (and
    // the page the CLI's playground serves as it is).
    expect(paths.filter((p) => !/^(dist\/.+|README\.md|LICENSE|package\.json)$/.test(p))).toEqual(
      name === "@loom/llm-cli" ? ["assets/playground.html"] : [],
    );
    expect(paths.filter((p) => /\.test\.|\.fixture\.|fixtures?\/|\.tsbuildinfo$/.test(p))).toEqual(
      [],
    );
    const dir = join(checkout, "packages", packageDirs[name] ?? name);
    expect(files.get("README.md")?.toString("utf8")).toBe(
      readFileSync(join(dir, "README.md"), "utf8"),
    );
    expect(files.get("LICENSE")?.toString("utf8")).toBe(readFileSync(join(dir, "LICENSE"), "utf8"));
    expect(files.get("README.md")?.length).toBeGreaterThan(200);
    const packed = JSON.parse(files.get("package.json")?.toString("utf8") ?? "{}") as Manifest;
    expect(packed.version).toBe(first);
    expect(packed.dependencies ?? {}).toEqual(published.dependencies ?? {});
    // Every entry point is in the tarball, types first so TypeScript picks them.
    for (const [entry, target] of Object.entries(published.exports ?? {})) {
      const targets = typeof target === "string" ? { default: target } : target;
      if (entry !== "./package.json") {
        expect(Object.keys(targets)[0], `${name} ${entry}`).toBe("types");
        expect(targets.types, `${name} ${entry}`).toMatch(/\.d\.ts$/);
      }
      for (const file of Object.values(targets)) {
        expect(files.has(file.replace(/^\.\//, "")), `${name} ${entry} -> ${file}`).toBe(true);
      }
    }
    for (const file of Object.values(published.bin ?? {})) {
      const script = files.get(file.replace(/^\.\//, ""))?.toString("utf8") ?? "";
      expect(script.startsWith("#!/usr/bin/env node\n"), `${name} bin ${file}`).toBe(true);
    }
    // The token the release ran with is in no published file.
    for (const [path, content] of files) {
      expect(content.includes(token), `${name} ${path}`).toBe(false);
    }
  });
});

// --- The users ------------------------------------------------------------------------------

type Manager = "npm" | "pnpm";
/** A fresh project of a user, with only the @loom scope on the local registry: everything else
 *  (undici, zod, vitest, ...) comes from the public registry, as for any user. */
function project(dir: string, manager: Manager): string {
  const path = join(work, dir);
  mkdirSync(path, { recursive: true });
  writeFileSync(
    join(path, "package.json"),
    `${JSON.stringify({ name: dir, private: true, type: "module" }, null, 2)}\n`,
  );
  writeFileSync(join(path, ".npmrc"), `@loom:registry=${registryUrl}\n`);
  if (manager === "pnpm") {
    // pnpm holds back versions younger than its minimum release age (`pnpm update` stays on the
    // older one): a user who wants a release the day it is out names the scope, as
    // docs/releasing.md says.
    writeFileSync(join(path, "pnpm-workspace.yaml"), 'minimumReleaseAgeExclude:\n  - "@loom/*"\n');
  }
  return path;
}
/** `npm install` / `pnpm add` of some packages, as dependencies or dev dependencies. */
async function add(manager: Manager, cwd: string, specs: string[], dev = false): Promise<void> {
  if (manager === "npm") {
    await sh(
      "npm",
      [
        "install",
        ...(dev ? ["--save-dev"] : []),
        "--no-audit",
        "--no-fund",
        "--loglevel=error",
        ...specs,
      ],
      cwd,
    );
  } else {
    await sh("pnpm", ["add", ...(dev ? ["--save-dev"] : []), ...specs], cwd);
  }
}
/** A package in `npm ls --json` or `pnpm ls --json`: both nest the same way. */
interface LsNode {
  version?: string;
  dependencies?: Record<string, LsNode>;
  devDependencies?: Record<string, LsNode>;
  optionalDependencies?: Record<string, LsNode>;
}
/** Every @loom package installed in a project, at every depth, with its versions. */
async function installedLoom(manager: Manager, cwd: string): Promise<Record<string, string[]>> {
  const { stdout } =
    manager === "npm"
      ? await attempt("npm", ["ls", "--all", "--json"], cwd)
      : await attempt("pnpm", ["ls", "--depth", "Infinity", "--json"], cwd);
  const found: Record<string, Set<string>> = {};
  const walk = (node: LsNode): void => {
    for (const key of ["dependencies", "devDependencies", "optionalDependencies"] as const) {
      for (const [name, child] of Object.entries(node[key] ?? {})) {
        if (name.startsWith("@loom/") && child.version) {
          found[name] ??= new Set();
          found[name].add(child.version);
        }
        walk(child);
      }
    }
  };
  const tree = JSON.parse(stdout) as LsNode | LsNode[];
  for (const root of Array.isArray(tree) ? tree : [tree]) walk(root);
  return Object.fromEntries(
    Object.entries(found)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([name, versions]) => [name, [...versions].sort()]),
  );
}
const allAt = (version: string, packages: string[]): Record<string, string[]> =>
  Object.fromEntries(packages.map((name) => [name, [version]]));

/** Runs the project's tests with its own vitest; its JSON report says what ran. */
async function vitest(cwd: string): Promise<{ passed: number; failed: number; total: number }> {
  const report = join(cwd, "vitest-report.json");
  rmSync(report, { force: true });
  const run = await attempt(
    join(cwd, "node_modules", ".bin", "vitest"),
    ["run", "--reporter=json", `--outputFile=${report}`],
    cwd,
  );
  if (!existsSync(report)) throw new Error(`vitest wrote no report (${run.code}):\n${run.stderr}`);
  const { numPassedTests, numFailedTests, numTotalTests } = readJson<{
    numPassedTests: number;
    numFailedTests: number;
    numTotalTests: number;
  }>(report);
  return { passed: numPassedTests, failed: numFailedTests, total: numTotalTests };
}

const CORE_ONLY = ["@loom/llm-core", "@loom/llm-testing", "@loom/llm-types", "@loom/llm-utils"];
const FACADE = [
  "@loom/llm",
  "@loom/llm-core",
  "@loom/llm-otel",
  "@loom/llm-providers",
  "@loom/llm-types",
  "@loom/llm-utils",
];
/** The facade's project once the CLI is added to it. */
const WITH_CLI = [...FACADE, "@loom/llm-cli"].sort();
const managers: Manager[] = ["npm", "pnpm"];

describe.each(managers)("installed with %s", (manager) => {
  const core = `${manager}-core`;
  const facade = `${manager}-facade`;

  it("@loom/llm-core with @loom/llm-testing and vitest: a consumer's agent test passes", async () => {
    const cwd = project(core, manager);
    await add(manager, cwd, ["@loom/llm-core"]);
    await add(manager, cwd, ["@loom/llm-testing", "vitest@5.1.1"], true);
    const manifest = readJson<Manifest>(join(cwd, "package.json"));
    expect(manifest.dependencies).toEqual({ "@loom/llm-core": `^${first}` });
    expect(manifest.devDependencies?.["@loom/llm-testing"]).toBe(`^${first}`);
    // Nothing more than the core, its contracts and helpers, and the test helpers.
    expect(await installedLoom(manager, cwd)).toEqual(allAt(first, CORE_ONLY));
    // The workspace's own consumer test (examples/consumer-testing), against the published build.
    mkdirSync(join(cwd, "src"));
    for (const file of ["research-agent.ts", "research-agent.test.ts"]) {
      copyFileSync(
        join(checkout, "examples", "consumer-testing", "src", file),
        join(cwd, "src", file),
      );
    }
    const report = await vitest(cwd);
    expect(report.total).toBeGreaterThan(0);
    expect(report).toEqual({ passed: report.total, failed: 0, total: report.total });
  }, 180_000);

  it("@loom/llm alone: the library, with no binary", async () => {
    const cwd = project(facade, manager);
    // zod and Node's types: what a TypeScript user defining tools has anyway (checked below).
    await add(manager, cwd, ["@loom/llm", "zod@^4.6.7", "@types/node@^24"]);
    expect(await installedLoom(manager, cwd)).toEqual(allAt(first, FACADE));
    expect(existsSync(join(cwd, "node_modules", ".bin", "loom-llm"))).toBe(false);
  }, 180_000);

  it("@loom/llm-cli as a dev dependency: the CLI answers, and --offline says what to install until it is", async () => {
    const cwd = join(work, facade);
    await add(manager, cwd, ["@loom/llm-cli"], true);
    const manifest = readJson<Manifest>(join(cwd, "package.json"));
    expect(manifest.devDependencies?.["@loom/llm-cli"]).toBe(`^${first}`);
    expect(await installedLoom(manager, cwd)).toEqual(allAt(first, WITH_CLI));
    const bin = join(cwd, "node_modules", ".bin", "loom-llm");
    const version = await attempt(bin, ["--version"], cwd);
    expect(version).toMatchObject({ code: 0, stdout: `${first}\n` });
    const help = await attempt(bin, ["--help"], cwd);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain("Usage:");
    // @loom/llm-testing is an optional peer: not installed, so --offline names the command.
    const missing = await attempt(bin, ["chat", "--offline", "installed?"], cwd);
    expect(missing.code).toBe(3);
    const command = /\((npm install --save-dev @loom\/llm-testing)\)/.exec(missing.stderr)?.[1];
    expect(command, missing.stderr).toBe("npm install --save-dev @loom/llm-testing");
    // Doing what it says (pnpm's words for the same) makes --offline work.
    await add(manager, cwd, ["@loom/llm-testing"], true);
    const chat = await attempt(bin, ["chat", "--offline", "installed?"], cwd);
    expect(chat).toMatchObject({ code: 0 });
    expect(chat.stdout).toContain('You asked: "installed?"');
  }, 180_000);

  it("a TypeScript consumer type-checks against the published declarations", async () => {
    const cwd = join(work, facade);
    writeFileSync(
      join(cwd, "consumer.ts"),
      `import { type ChatModel, defineTool, LLMProvider, type LLMResponse } from "@loom/llm";
import { createFakeServer, MockLLM } from "@loom/llm-testing";
import { z } from "zod";

const tool = defineTool({
  name: "shout",
  parameters: z.object({ text: z.string() }),
  execute: ({ text }) => text.toUpperCase(),
});
export async function ask(llm: ChatModel = new MockLLM(["ok"])): Promise<string> {
  const res: LLMResponse = await llm.call({ messages: [{ role: "user", content: "hi" }], tools: [tool] });
  return res.content;
}
export const provider: LLMProvider = LLMProvider.fromName({ env: {} }, "local");
export const server: Promise<{ baseUrl: string }> = createFakeServer({ replies: [] });
`,
    );
    writeFileSync(
      join(cwd, "tsconfig.json"),
      JSON.stringify({
        compilerOptions: {
          strict: true,
          module: "nodenext",
          moduleResolution: "nodenext",
          target: "es2023",
          noEmit: true,
          // Our declarations are checked too, not trusted.
          skipLibCheck: false,
          types: ["node"],
        },
        files: ["consumer.ts"],
      }),
    );
    const result = await attempt(tsc, ["-p", "tsconfig.json"], cwd);
    expect({ code: result.code, out: `${result.stdout}${result.stderr}` }).toEqual({
      code: 0,
      out: "",
    });
  }, 120_000);
});

describe("installed globally with npm", () => {
  it("npm install -g @loom/llm-cli: loom-llm answers from the global bin folder", async () => {
    const prefix = join(work, "npm-global");
    mkdirSync(prefix, { recursive: true });
    await sh(
      "npm",
      [
        "install",
        "-g",
        "--prefix",
        prefix,
        `--@loom:registry=${registryUrl}`,
        "--no-audit",
        "--no-fund",
        "--loglevel=error",
        "@loom/llm-cli",
      ],
      work,
    );
    const bin = join(prefix, "bin", "loom-llm");
    const help = await attempt(bin, ["--help"], work);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain("Usage:");
    expect((await attempt(bin, ["--version"], work)).stdout).toBe(`${first}\n`);
  }, 180_000);
});

// --- Bun and Deno ---------------------------------------------------------------------------

/** The `bun` or `deno` binary that loom-runtimes holds as a devDependency, or why there is none. */
function bunOrDeno(pkg: string, path: string): string | { file: string } {
  return runtimeBinary(pkg, path, join(repo, "runtimes", "package.json"));
}
const bunBinary = bunOrDeno("bun", "bin/bun.exe");
const denoBinary = bunOrDeno("deno", "deno");
if (typeof bunBinary === "string") console.log(`release under Bun skipped: ${bunBinary}`);
if (typeof denoBinary === "string") console.log(`release under Deno skipped: ${denoBinary}`);

/** The answers of the fake OpenAI-compatible server the Bun and Deno scripts call. */
const CALL_TEXT = "Hello from the fake server";
const STREAM_PIECES = ["Hello", ", streamed", " world"];

/** A fake OpenAI chat-completions server on loopback: one reply for a call, an SSE stream for a
 *  stream. Runs in this process; closed by the caller (connections too). */
async function fakeServer(): Promise<{ server: Server; url: string }> {
  const chunk = (delta: object, finish: string | null = null): string =>
    `data: ${JSON.stringify({
      id: "chatcmpl-release",
      object: "chat.completion.chunk",
      created: 0,
      model: "fake-model",
      choices: [{ index: 0, delta, finish_reason: finish }],
    })}\n\n`;
  const server = createServer((request, response) => {
    let body = "";
    request.setEncoding("utf8").on("data", (piece: string) => {
      body += piece;
    });
    request.on("end", () => {
      if (request.method !== "POST" || request.url !== "/v1/chat/completions") {
        response.writeHead(404).end();
        return;
      }
      const asked = JSON.parse(body || "{}") as { stream?: boolean };
      if (asked.stream === true) {
        response.writeHead(200, { "content-type": "text/event-stream" });
        response.write(chunk({ role: "assistant", content: "" }));
        for (const piece of STREAM_PIECES) response.write(chunk({ content: piece }));
        response.write(chunk({}, "stop"));
        response.end("data: [DONE]\n\n");
        return;
      }
      response.writeHead(200, { "content-type": "application/json" });
      response.end(
        JSON.stringify({
          id: "chatcmpl-release",
          object: "chat.completion",
          created: 0,
          model: "fake-model",
          choices: [
            { index: 0, message: { role: "assistant", content: CALL_TEXT }, finish_reason: "stop" },
          ],
          usage: { prompt_tokens: 10, completion_tokens: 5, total_tokens: 15 },
        }),
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return { server, url: `http://127.0.0.1:${port}` };
}
async function closeServer(server: Server): Promise<void> {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
}

/** The user's script: a call and a stream through the installed @loom/llm, one JSON line out. */
const callAndStream = (specifier: string, url: string): string =>
  `import { LLMProvider } from ${JSON.stringify(specifier)};

const llm = new LLMProvider({}, { baseUrl: ${JSON.stringify(`${url}/v1`)}, model: "fake-model", apiKey: "sk-release" });
try {
  const messages = [{ role: "user", content: "hi" }];
  const res = await llm.call({ messages });
  const pieces = [];
  for await (const piece of llm.stream({ messages })) pieces.push(piece);
  console.log(JSON.stringify({ content: res.content, finishReason: res.finishReason, streamed: pieces.join("") }));
} finally {
  await llm.close();
}
`;
const expected = { content: CALL_TEXT, finishReason: "stop", streamed: STREAM_PIECES.join("") };

/** Runs a runtime's command in a process group of its own, killed whole at the end. */
async function runInGroup(
  file: string,
  args: string[],
  cwd: string,
  env: NodeJS.ProcessEnv,
  limitMs = 120_000,
): Promise<Result> {
  const child = spawn(file, args, { cwd, env, detached: true, stdio: ["ignore", "pipe", "pipe"] });
  const killGroup = (): void => {
    try {
      if (child.pid !== undefined) process.kill(-child.pid, "SIGKILL");
    } catch {
      // Gone already.
    }
  };
  process.once("exit", killGroup);
  let stdout = "";
  let stderr = "";
  child.stdout.setEncoding("utf8").on("data", (piece: string) => {
    stdout += piece;
  });
  child.stderr.setEncoding("utf8").on("data", (piece: string) => {
    stderr += piece;
  });
  let timer: NodeJS.Timeout | undefined;
  try {
    const code = await new Promise<number>((resolve) => {
      timer = setTimeout(() => {
        stderr += ` (timed out after ${limitMs} ms)`;
        killGroup();
        resolve(-1);
      }, limitMs);
      child.once("error", (error) => {
        stderr += ` (${error.message})`;
        resolve(-1);
      });
      child.once("close", (exitCode) => resolve(exitCode ?? -1));
    });
    return { code, stdout, stderr };
  } finally {
    clearTimeout(timer);
    killGroup();
    process.removeListener("exit", killGroup);
  }
}
/** The script's one JSON line, or the run's output in the failure. */
function scriptOutput(run: Result): unknown {
  const line = run.stdout.trim().split("\n").at(-1) ?? "";
  expect(run.code, `${run.stderr}\n${run.stdout}`.slice(-4_000)).toBe(0);
  return JSON.parse(line);
}

describe("installed with Bun and Deno", () => {
  it.skipIf(typeof bunBinary === "string")(
    "bun add @loom/llm from the registry: a call and a stream run under Bun",
    async () => {
      const bun = typeof bunBinary === "string" ? "" : bunBinary.file;
      const cwd = join(work, "bun-project");
      mkdirSync(cwd, { recursive: true });
      writeFileSync(
        join(cwd, "package.json"),
        `${JSON.stringify({ name: "bun-project", private: true, type: "module" }, null, 2)}\n`,
      );
      // The @loom scope from the local registry, everything else from the default one; a cache
      // of its own, so no @loom tarball of an earlier run (same version, other bytes) is reused.
      writeFileSync(
        join(cwd, "bunfig.toml"),
        `[install.cache]\ndir = ${JSON.stringify(join(work, "bun-cache"))}\n\n[install.scopes]\n"@loom" = ${JSON.stringify(registryUrl)}\n`,
      );
      const env = { ...userEnv, DO_NOT_TRACK: "1", NO_COLOR: "1" };
      const install = await runInGroup(bun, ["add", "@loom/llm"], cwd, env);
      expect(install.code, `${install.stderr}\n${install.stdout}`.slice(-4_000)).toBe(0);
      expect(existsSync(join(work, "bun-cache")), "bunfig.toml's cache").toBe(true);
      expect(readJson<Manifest>(join(cwd, "package.json")).dependencies).toEqual({
        "@loom/llm": `^${first}`,
      });
      expect(
        readJson<Manifest>(join(cwd, "node_modules", "@loom", "llm", "package.json")).version,
      ).toBe(first);
      const { server, url } = await fakeServer();
      try {
        writeFileSync(join(cwd, "main.mjs"), callAndStream("@loom/llm", url));
        // --no-install: nothing fetched at run time; the only network is the loopback server.
        const run = await runInGroup(bun, ["run", "--no-install", "main.mjs"], cwd, env);
        expect(scriptOutput(run)).toEqual(expected);
      } finally {
        await closeServer(server);
      }
    },
    240_000,
  );

  it.skipIf(typeof denoBinary === "string")(
    "deno run of npm:@loom/llm from the registry: a call and a stream run under Deno",
    async () => {
      const deno = typeof denoBinary === "string" ? "" : denoBinary.file;
      const cwd = join(work, "deno-project");
      mkdirSync(cwd, { recursive: true });
      // Deno holds back versions younger than its minimum dependency age (24 hours by default):
      // as with pnpm, a user who wants a release the day it is out names the scope.
      writeFileSync(
        join(cwd, "deno.json"),
        `${JSON.stringify({ minimumDependencyAge: { exclude: ["npm:@loom/*"] } }, null, 2)}\n`,
      );
      // Deno reads the project's .npmrc: the @loom scope from the local registry, the rest from
      // the default one; DENO_DIR of its own, so no cached @loom package of an earlier run.
      writeFileSync(join(cwd, ".npmrc"), `@loom:registry=${registryUrl}\n`);
      const env = {
        ...userEnv,
        DENO_DIR: join(work, "deno-dir"),
        DENO_NO_UPDATE_CHECK: "1",
        DO_NOT_TRACK: "1",
        NO_COLOR: "1",
      };
      const { server, url } = await fakeServer();
      try {
        writeFileSync(join(cwd, "main.mjs"), callAndStream(`npm:@loom/llm@^${first}`, url));
        const run = await runInGroup(
          deno,
          [
            "run",
            "--no-lock",
            "--no-prompt",
            // As in runtimes/src/script-runtimes.ts: the fake server's network, nothing else.
            "--allow-net=127.0.0.1",
            "main.mjs",
          ],
          cwd,
          env,
        );
        expect(scriptOutput(run)).toEqual(expected);
      } finally {
        await closeServer(server);
      }
    },
    240_000,
  );
});

describe("a patch release", () => {
  let second = "";
  beforeAll(async () => {
    second = await release("patch", PATCH);
  }, 300_000);

  it("publishes every package at the next patch, tagged latest, beside the first", {
    timeout: 60_000,
  }, async () => {
    expect(second).toBe(patchOf(first));
    const cwd = join(work, "npm-core");
    for (const name of names) {
      const view = JSON.parse(
        await sh("npm", ["view", name, "versions", "dist-tags", "--json"], cwd),
      ) as { versions: string[]; "dist-tags": Record<string, string> };
      expect(view, name).toEqual({ versions: [first, second], "dist-tags": { latest: second } });
    }
    const tags = (await sh("git", ["tag", "--points-at", "HEAD"], checkout)).split("\n");
    expect(tags.filter(Boolean).sort()).toEqual(names.map((name) => `${name}@${second}`).sort());
  });

  it.for(names)("%s: CHANGELOG.md has both entries, newest first", (name) => {
    const changelog = readFileSync(
      join(checkout, "packages", packageDirs[name] ?? name, "CHANGELOG.md"),
      "utf8",
    );
    expect(changelog.startsWith(`# ${name}\n`)).toBe(true);
    const newer = changelog.indexOf(`\n## ${second}\n`);
    const older = changelog.indexOf(`\n## ${first}\n`);
    expect(newer).toBeGreaterThan(0);
    expect(older).toBeGreaterThan(newer);
    expect(changelog.slice(newer, older)).toContain(`- ${PATCH}`);
    expect(changelog.slice(older)).toContain(`- ${MINOR}`);
  });

  it.for(managers)(
    "%s update moves every @loom package together",
    { timeout: 180_000 },
    async (manager) => {
      const core = join(work, `${manager}-core`);
      const facade = join(work, `${manager}-facade`);
      for (const cwd of [core, facade]) {
        await sh(
          manager,
          manager === "npm" ? ["update", "--no-audit", "--no-fund"] : ["update"],
          cwd,
        );
      }
      expect(await installedLoom(manager, core)).toEqual(allAt(second, CORE_ONLY));
      expect(await installedLoom(manager, facade)).toEqual(
        allAt(second, [...WITH_CLI, "@loom/llm-testing"].sort()),
      );
      // The consumer's tests still pass on the update.
      const report = await vitest(core);
      expect(report).toEqual({ passed: report.total, failed: 0, total: report.total });
    },
  );
});
