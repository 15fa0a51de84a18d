// The Bun and Deno binaries of the `bun` and `deno` npm packages, for what runs them (the
// runtimes suite, the release test, the benchmark): one lookup, so each says the same when a
// binary is missing.
import { spawnSync } from "node:child_process";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";

/**
 * The binary the npm package `pkg` holds at `path` once its postinstall ran (the package
 * resolved from the package whose `package.json` is `manifest`), checked by running it with
 * `--version`: its file and the first line it printed, or why there is none that runs.
 *
 * @param {string} pkg
 * @param {string} path
 * @param {string} manifest
 * @returns {{ file: string, version: string } | string}
 */
export function runtimeBinary(pkg, path, manifest) {
  let file;
  try {
    file = join(dirname(createRequire(manifest).resolve(`${pkg}/package.json`)), path);
  } catch {
    return `the npm package "${pkg}" is not installed (run pnpm install)`;
  }
  const run = spawnSync(file, ["--version"], { encoding: "utf8", timeout: 15_000 });
  if (run.error !== undefined || run.status !== 0) {
    const why = (run.error?.message ?? `exit ${run.status ?? run.signal}: ${run.stderr}`)
      .replace(/\s+/g, " ")
      .trim()
      .slice(0, 200);
    return `${file} --version failed (${why}); the package's postinstall puts the binary there: is "${pkg}" in allowBuilds of pnpm-workspace.yaml, and its platform package installed?`;
  }
  return { file, version: run.stdout.split("\n")[0]?.trim() ?? "" };
}

/**
 * How the runtimes suite and the benchmark run a script under Bun or Deno, packages from the
 * `node_modules` of the package whose `package.json` is `manifest`: its binary, the arguments
 * before the script, the environment to add, its version; or why it cannot run here. Nothing is
 * fetched (Bun `--no-install`; Deno `--node-modules-dir=manual --no-lock`), and Deno gets the
 * loopback network alone: the client reads no file and no environment variable there.
 *
 * @param {"bun" | "deno"} name
 * @param {string} manifest
 * @returns {{ file: string, args: string[], env: Record<string, string>, version: string } | string}
 */
export function runtimeCommand(name, manifest) {
  if (name === "bun") {
    // The npm package's postinstall puts its platform package's binary in place of this stub.
    const bin = runtimeBinary("bun", "bin/bun.exe", manifest);
    if (typeof bin === "string") return bin;
    // --no-install: never fetch a package node_modules lacks (Bun would auto-install it).
    return {
      file: bin.file,
      args: ["run", "--no-install"],
      env: { DO_NOT_TRACK: "1" },
      version: `Bun ${bin.version}`,
    };
  }
  const bin = runtimeBinary("deno", "deno", manifest);
  if (typeof bin === "string") return bin;
  return {
    file: bin.file,
    args: ["run", "--node-modules-dir=manual", "--no-lock", "--no-prompt", "--allow-net=127.0.0.1"],
    env: { DENO_NO_UPDATE_CHECK: "1" },
    version: bin.version.replace("deno", "Deno").replace(/ \(.*/, ""),
  };
}
