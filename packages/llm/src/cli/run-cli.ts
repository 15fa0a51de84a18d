import { createRequire } from "node:module";
import { APIStatusError, ConfigError, LLMError } from "@loom/llm-types";
import { type CliIo, chatCommand } from "./chat-command.js";
import { parseCliArgs } from "./cli-args.js";
import { configCheckCommand } from "./config-command.js";
import { CliError, EXIT } from "./exit-codes.js";
import { HELP } from "./help.js";
import { providersCommand } from "./providers-command.js";

/** Runs the CLI and returns its exit status; never throws. */
export async function runCli(
  argv: readonly string[],
  io: CliIo,
  signal: AbortSignal,
): Promise<number> {
  try {
    const args = parseCliArgs(argv);
    switch (args.command) {
      case "help":
        io.stdout.write(`${HELP}\n`);
        return EXIT.ok;
      case "version": {
        const { version } = createRequire(import.meta.url)("../../package.json") as {
          version: string;
        };
        io.stdout.write(`${version}\n`);
        return EXIT.ok;
      }
      case "providers":
        providersCommand(args, io);
        return EXIT.ok;
      case "config-check":
        configCheckCommand(args, io);
        return EXIT.ok;
      case "chat":
        await chatCommand(args, io, signal);
        return EXIT.ok;
    }
  } catch (error) {
    if (signal.aborted) {
      io.stderr.write("\nloom-llm: interrupted\n");
      return EXIT.interrupted;
    }
    io.stderr.write(`loom-llm: ${message(error)}\n`);
    return exitCode(error);
  }
}

function exitCode(error: unknown): number {
  if (error instanceof CliError) return error.exitCode;
  if (ConfigError.isInstance(error)) return EXIT.config;
  if (LLMError.isInstance(error)) return EXIT.api;
  return EXIT.failure;
}

function message(error: unknown): string {
  if (APIStatusError.isInstance(error)) return `API error ${error.status}: ${error.message}`;
  return error instanceof Error ? error.message : String(error);
}
