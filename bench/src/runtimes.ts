// The runtimes the benchmark runs its child on besides Node: Bun and Deno, from the npm packages
// of this package's dependencies, run the way runtimes/src/script-runtimes.ts runs them for the
// conformance checks (nothing fetched, Deno's permissions as narrow as the client allows).
import { fileURLToPath } from "node:url";
import { runtimeBinary } from "../../scripts/runtime-binary.mjs";

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

/** The binary of the npm package `pkg`, a dependency of this package, at `path` in it. */
function binary(pkg: string, path: string): { path: string; version: string } | string {
  const found = runtimeBinary(
    pkg,
    path,
    fileURLToPath(new URL("../package.json", import.meta.url)),
  );
  return typeof found === "string" ? found : { path: found.file, version: found.version };
}
