import { spawn } from "node:child_process";
import { join } from "node:path";
import { runtimeCommand } from "../../scripts/runtime-binary.mjs";
import { type ConformanceRun, parseLines, RUNTIMES_DIR, type Runtime } from "./runtime.js";

/** The command-line entry of the conformance checks. */
const ENTRY = join(RUNTIMES_DIR, "conformance", "conformance.mjs");

/** A command: the binary, the arguments before the entry and URL, extra environment. */
interface Command {
  file: string;
  args: string[];
  env: Record<string, string>;
}

/** The reference: a check that fails here too is wrong, not the runtime. */
export const node: Runtime = scriptRuntime("Node.js", () => ({
  file: process.execPath,
  args: [],
  env: {},
}));

export const bun: Runtime = scriptRuntime("Bun", () => command("bun"));

export const deno: Runtime = scriptRuntime("Deno", () => command("deno"));

/** A runtime that runs `conformance/conformance.mjs <url>` as `command` says, or why it cannot. */
function scriptRuntime(name: string, command: () => Command | string): Runtime {
  return {
    name,
    unavailable() {
      const found = command();
      return typeof found === "string" ? found : undefined;
    },
    run(url, limitMs) {
      const found = command();
      if (typeof found === "string") throw new Error(found);
      return runScript(found, [...found.args, ENTRY, url], limitMs);
    },
  };
}

/**
 * Runs a command in a process group of its own and collects what it printed. The whole group is
 * killed when the run ends, times out or fails, so nothing it started outlives the test.
 */
async function runScript(
  command: Command,
  args: string[],
  limitMs: number,
): Promise<ConformanceRun> {
  const started = performance.now();
  const child = spawn(command.file, args, {
    cwd: RUNTIMES_DIR,
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
    env: { ...process.env, NO_COLOR: "1", ...command.env },
  });
  const killGroup = (): void => {
    if (child.pid === undefined) return;
    try {
      process.kill(-child.pid, "SIGKILL");
    } catch {
      // The group is gone already.
    }
  };
  // Should the test process itself end first, the child goes with it.
  process.once("exit", killGroup);
  let stdout = "";
  let stderr = "";
  child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
    stdout += chunk;
  });
  child.stderr.setEncoding("utf8").on("data", (chunk: string) => {
    stderr += chunk;
  });
  let timer: NodeJS.Timeout | undefined;
  try {
    const ended = await new Promise<string>((resolve) => {
      timer = setTimeout(() => {
        killGroup();
        resolve(`timed out after ${limitMs} ms`);
      }, limitMs);
      child.once("error", (error) => resolve(`could not start: ${error.message}`));
      // `close`, not `exit`: the pipes are drained by then.
      child.once("close", (code, signal) =>
        resolve(code === null ? `signal ${signal}` : `exit ${code}`),
      );
    });
    const { lines, other } = parseLines(stdout);
    return {
      lines,
      output: `${stdout}\n${stderr}`,
      other: `stderr: ${stderr.slice(-1_500) || "(empty)"}; other stdout: ${other.join(" | ").slice(-500) || "(none)"}`,
      ended,
      ms: Math.round(performance.now() - started),
    };
  } finally {
    clearTimeout(timer);
    killGroup();
    process.removeListener("exit", killGroup);
  }
}

const probed = new Map<string, Command | string>();

/** How Bun or Deno runs a script here (scripts/runtime-binary.mjs), probed once. */
function command(name: "bun" | "deno"): Command | string {
  // Asked when the suite is collected and again when it runs: one `--version` is enough.
  const known = probed.get(name) ?? runtimeCommand(name, join(RUNTIMES_DIR, "package.json"));
  probed.set(name, known);
  return known;
}
