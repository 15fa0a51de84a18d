// The runtimes the benchmark runs its child on besides Node: Bun and Deno, from the npm packages
// of this package's dependencies, run as the conformance checks run them
// (scripts/runtime-binary.mjs: nothing fetched, Deno with the loopback network alone).
import { fileURLToPath } from "node:url";
import { runtimeCommand } from "../../scripts/runtime-binary.mjs";

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

/** This package's manifest: the runtimes resolve its dependencies' packages. */
const MANIFEST = fileURLToPath(new URL("../package.json", import.meta.url));

export const RUNTIMES: readonly Runtime[] = (["bun", "deno"] as const).map((name) => ({
  name,
  command: () => runtimeCommand(name, MANIFEST),
}));
