import { createRequire } from "node:module";
import { type CliArgs, parseCliArgs } from "./cli-args.js";
import type { CliIo } from "./cli-io.js";
import { CliError, EXIT } from "./exit-codes.js";
import { HELP } from "./help.js";
import { oneLine, terminalSafe } from "./terminal-safe.js";

// Each command, and the library behind it, is loaded when it runs: `--help` and `--version`
// load nothing but this file's own, so they answer in the time Node takes to start.

/** Runs the CLI and returns its exit status; never throws. */
export async function runCli(
  argv: readonly string[],
  io: CliIo,
  signal: AbortSignal,
): Promise<number> {
  // On a terminal, what a server or a model says is shown, never acted on (see `terminalSafe`).
  const stdout = watchWrites(terminalSafe(io.stdout, io.env));
  const safe = { ...io, stdout: stdout.stream, stderr: terminalSafe(io.stderr, io.env) };
  const outcome = await run(argv, safe, signal);
  // A script that asked for JSON reads stdout as JSON: a failure before anything was printed
  // is said there too, and so is one that ends a run of JSON lines (`--watch`). Compare's table
  // and replay's turns, printed before the exit status says what failed, stay the only
  // document.
  const { failure, lines } = outcome;
  if (failure !== undefined && outcome.json && (lines || !stdout.written()))
    safe.stdout.write(`${JSON.stringify({ error: failure }, null, lines ? undefined : 2)}\n`);
  return outcome.code;
}

/** How a run ended: its exit status and, when it failed, the failure as `--json` prints it. */
interface Outcome {
  code: number;
  json: boolean;
  /** `--json --watch`: one JSON document a line, the failure one more. */
  lines: boolean;
  failure?: Record<string, unknown>;
}

async function run(argv: readonly string[], io: CliIo, signal: AbortSignal): Promise<Outcome> {
  // Known before the arguments parse: a usage error is a failure `--json` prints too (an
  // argument after `--` is a word of the prompt, not an option).
  const options = argv.includes("--") ? argv.slice(0, argv.indexOf("--")) : argv;
  let json = options.some((arg) => arg === "--json" || arg.startsWith("--json="));
  let lines = false;
  try {
    const args = parseCliArgs(argv);
    json = args.json;
    lines = args.json && args.watch;
    return { code: await command(args, io, signal), json, lines };
  } catch (error) {
    if (signal.aborted) {
      // A command that asked anything ends with what it spent (a CliError of exit 130).
      const said =
        error instanceof CliError && error.exitCode === EXIT.interrupted
          ? error.message
          : "interrupted";
      io.stderr.write(`\nloom-llm: ${said}\n`);
      const failure = { name: "Interrupted", message: said, exitCode: EXIT.interrupted };
      return { code: EXIT.interrupted, json, lines, failure };
    }
    const errors = await import("@loom/llm-types");
    // An error that ended an answer mid-way says what was spent, as Ctrl-C does.
    const spent = (await import("./spending.js")).spentBefore(error);
    const said =
      spent === undefined ? message(error, errors) : `${message(error, errors)}; ${spent}`;
    io.stderr.write(`loom-llm: ${said}\n`);
    const code = exitCode(error, errors);
    if (!json) return { code, json, lines };
    const failure = { ...(await import("./failure-json.js")).failureJson(error), message: said };
    return { code, json, lines, failure: { ...failure, exitCode: code } };
  }
}

async function command(args: CliArgs, io: CliIo, signal: AbortSignal): Promise<number> {
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
}

type Errors = typeof import("@loom/llm-types");

function exitCode(error: unknown, { ConfigError, LLMError }: Errors): number {
  if (error instanceof CliError) return error.exitCode;
  if (ConfigError.isInstance(error)) return EXIT.config;
  if (LLMError.isInstance(error)) return EXIT.api;
  return EXIT.failure;
}

/**
 * The failure in words. What a server said is kept on one line (its line breaks shown as `^J`,
 * `^M`): a message cannot add lines of its own, or go back over the CLI's. The CLI's own usage
 * and config errors may take several lines (a list of choices, one line per issue).
 */
function message(error: unknown, { APIStatusError, ConfigError, LLMError }: Errors): string {
  if (APIStatusError.isInstance(error))
    return oneLine(`API error ${error.status}: ${error.message}`);
  if (LLMError.isInstance(error) && !ConfigError.isInstance(error)) return oneLine(error.message);
  return error instanceof Error ? error.message : String(error);
}

/** The stream, and whether anything was written to it. */
function watchWrites<T extends NodeJS.WritableStream>(
  stream: T,
): { stream: T; written(): boolean } {
  let written = false;
  const watched = new Proxy(stream, {
    get(target, property) {
      const value: unknown = Reflect.get(target, property, target);
      if (property === "write" && typeof value === "function")
        return (...args: unknown[]) => {
          written = true;
          return (value as (...a: unknown[]) => boolean).apply(target, args);
        };
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
  return { stream: watched, written: () => written };
}
