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
