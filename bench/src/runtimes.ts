// The runtimes the benchmark runs its child on besides Node: Bun and Deno, from the npm packages
// of this package's dependencies, run the way runtimes/src/script-runtimes.ts runs them for the
// conformance checks (nothing fetched, Deno's permissions as narrow as the client allows).
import { spawnSync } from "node:child_process";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";

/** How to run a script: the binary, the arguments before the script, extra environment. */
export interface Command {
  file: string;
  args: string[];
  env: Record<string, string>;
  /** What the binary's `--version` printed (its first line). */
  version: string;
}

export interface Runtime {
  name: "bun" | "deno";
  /** The command, or why the runtime cannot run here. */
  command(): Command | string;
}

export const RUNTIMES: readonly Runtime[] = [
  {
    name: "bun",
    command() {
      // The package's postinstall puts its platform package's binary in place of this stub.
      const file = binary("bun", "bin/bun.exe");
      // --no-install: never fetch a package node_modules lacks (Bun would auto-install it).
      return typeof file === "string"
        ? file
        : {
            file: file.path,
            args: ["run", "--no-install"],
            env: { DO_NOT_TRACK: "1" },
            version: `Bun ${file.version}`,
          };
    },
  },
  {
    name: "deno",
    command() {
      const file = binary("deno", "deno");
      return typeof file === "string"
        ? file
        : {
            file: file.path,
            args: [
              "run",
              // Packages come from the node_modules pnpm made, as they are: nothing is fetched.
              "--node-modules-dir=manual",
              "--no-lock",
              "--no-prompt",
              // The permissions the conformance checks run the client with (runtimes/), so
              // that both measure the same client.
              "--allow-net=127.0.0.1",
              "--allow-env",
              "--allow-read",
            ],
            env: { DENO_NO_UPDATE_CHECK: "1" },
            version: file.version.replace("deno", "Deno").replace(/ \(.*/, ""),
          };
    },
  },
];

const require = createRequire(import.meta.url);

/**
 * The binary an npm package holds at `path` once its postinstall ran, checked by running
 * `--version`; or why there is none that runs.
 */
function binary(pkg: string, path: string): { path: string; version: string } | string {
  let file: string;
  try {
    file = join(dirname(require.resolve(`${pkg}/package.json`)), path);
  } catch {
    return `the npm package "${pkg}" is not installed (run pnpm install)`;
  }
  const run = spawnSync(file, ["--version"], { encoding: "utf8", timeout: 15_000 });
  if (run.error !== undefined || run.status !== 0) {
    const why = (run.error?.message ?? `exit ${run.status ?? run.signal}: ${run.stderr}`)
      .replace(/\s+/g, " ")
      .trim()
      .slice(0, 200);
    return `${file} --version failed (${why}); is "${pkg}" in allowBuilds of pnpm-workspace.yaml?`;
  }
  return { path: file, version: run.stdout.split("\n")[0]?.trim() ?? "" };
}
