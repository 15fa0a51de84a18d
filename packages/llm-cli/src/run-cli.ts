import { createRequire } from "node:module";
import { parseCliArgs } from "./cli-args.js";
import type { CliIo } from "./cli-io.js";
import { CliError, EXIT } from "./exit-codes.js";
import { HELP } from "./help.js";
import { terminalSafe } from "./terminal-safe.js";

// Each command, and the library behind it, is loaded when it runs: `--help` and `--version`
// load nothing but this file's own, so they answer in the time Node takes to start.

/** Runs the CLI and returns its exit status; never throws. */
export function runCli(argv: readonly string[], io: CliIo, signal: AbortSignal): Promise<number> {
  // On a terminal, what a server or a model says is shown, never acted on (see `terminalSafe`).
  return run(
    argv,
    { ...io, stdout: terminalSafe(io.stdout), stderr: terminalSafe(io.stderr) },
    signal,
  );
}

async function run(argv: readonly string[], io: CliIo, signal: AbortSignal): Promise<number> {
  try {
    const args = parseCliArgs(argv);
    switch (args.command) {
      case "help":
        io.stdout.write(`${HELP}\n`);
        return EXIT.ok;
      case "version": {
        const { version } = createRequire(import.meta.url)("../package.json") as {
          version: string;
        };
        io.stdout.write(`${version}\n`);
        return EXIT.ok;
      }
      case "providers":
        (await import("./providers-command.js")).providersCommand(args, io);
        return EXIT.ok;
      case "config-check":
        (await import("./config-command.js")).configCheckCommand(args, io);
        return EXIT.ok;
      case "chat":
        await (await import("./chat-command.js")).chatCommand(args, io, signal);
        return EXIT.ok;
      case "compare":
        await (await import("./compare-command.js")).compareCommand(args, io, signal);
        return EXIT.ok;
      case "replay":
        await (await import("./replay-command.js")).replayCommand(args, io, signal);
        return EXIT.ok;
      case "playground":
        await (await import("./playground-command.js")).playgroundCommand(args, io, signal);
        return EXIT.ok;
    }
  } catch (error) {
    if (signal.aborted) {
      // A command that asked anything ends with what it spent (a CliError of exit 130).
      const said =
        error instanceof CliError && error.exitCode === EXIT.interrupted
          ? error.message
          : "interrupted";
      io.stderr.write(`\nloom-llm: ${said}\n`);
      return EXIT.interrupted;
    }
    const errors = await import("@loom/llm-types");
    io.stderr.write(`loom-llm: ${message(error, errors)}\n`);
    return exitCode(error, errors);
  }
}

type Errors = typeof import("@loom/llm-types");

function exitCode(error: unknown, { ConfigError, LLMError }: Errors): number {
  if (error instanceof CliError) return error.exitCode;
  if (ConfigError.isInstance(error)) return EXIT.config;
  if (LLMError.isInstance(error)) return EXIT.api;
  return EXIT.failure;
}

function message(error: unknown, { APIStatusError }: Errors): string {
  if (APIStatusError.isInstance(error)) return `API error ${error.status}: ${error.message}`;
  return error instanceof Error ? error.message : String(error);
}
