import { parseArgs } from "node:util";
import { CliError, EXIT } from "./exit-codes.js";

/** The command line, parsed and checked. */
export interface CliArgs {
  command: "chat" | "providers" | "config-check" | "help" | "version";
  /** The prompt words (chat), or the config path (config check). */
  positionals: string[];
  provider: string | undefined;
  config: string | undefined;
  model: string | undefined;
  temperature: number | undefined;
  maxTokens: number | undefined;
  system: string | undefined;
  systemFile: string | undefined;
  stream: boolean;
  json: boolean;
  offline: boolean;
}

/** Parses `argv` (without node and the script); a bad command line is a usage error. */
export function parseCliArgs(argv: readonly string[]): CliArgs {
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(argv);
  } catch (error) {
    throw new CliError(`${(error as Error).message}\nRun loom-llm --help for usage.`, EXIT.usage);
  }
  const { values, positionals } = parsed;
  const [first, ...rest] = positionals;
  let command: CliArgs["command"];
  let args = rest;
  if (values.help) command = "help";
  else if (values.version) command = "version";
  else if (first === "chat") command = "chat";
  else if (first === "providers") command = "providers";
  else if (first === "config" && rest[0] === "check") {
    command = "config-check";
    args = rest.slice(1);
  } else if (first === undefined) command = "help";
  else
    throw new CliError(
      `unknown command "${[first, ...rest.slice(0, 1)].join(" ")}"\nRun loom-llm --help for usage.`,
      EXIT.usage,
    );
  return {
    command,
    positionals: args,
    provider: values.provider,
    config: values.config,
    model: values.model,
    temperature: number("--temperature", values.temperature),
    maxTokens: number("--max-tokens", values["max-tokens"]),
    system: values.system,
    systemFile: values["system-file"],
    stream: !values["no-stream"] && !values.json,
    json: values.json ?? false,
    offline: values.offline ?? false,
  };
}

function parse(argv: readonly string[]) {
  return parseArgs({
    args: [...argv],
    allowPositionals: true,
    strict: true,
    options: {
      provider: { type: "string" },
      config: { type: "string" },
      model: { type: "string" },
      temperature: { type: "string" },
      "max-tokens": { type: "string" },
      system: { type: "string" },
      "system-file": { type: "string" },
      "no-stream": { type: "boolean" },
      json: { type: "boolean" },
      offline: { type: "boolean" },
      help: { type: "boolean", short: "h" },
      version: { type: "boolean", short: "v" },
    },
  });
}

function number(flag: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (value.trim() === "" || !Number.isFinite(n))
    throw new CliError(`${flag} must be a number, got ${JSON.stringify(value)}`, EXIT.usage);
  return n;
}
