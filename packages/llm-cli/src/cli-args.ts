import { parseArgs } from "node:util";
import type { ProtocolName } from "@loom/llm-types";
import { PROTOCOL_NAMES } from "@loom/llm-utils";
import { CliError, EXIT } from "./exit-codes.js";

/** The command line, parsed and checked. */
export interface CliArgs {
  command:
    | "chat"
    | "compare"
    | "replay"
    | "providers"
    | "config-check"
    | "playground"
    | "help"
    | "version";
  /** The prompt words (chat), or the config path (config check). */
  positionals: string[];
  provider: string | undefined;
  config: string | undefined;
  model: string | undefined;
  /** Any OpenAI-compatible server, without a loom.toml. */
  baseUrl: string | undefined;
  /** The environment variable holding the key for `--base-url`. */
  apiKeyEnv: string | undefined;
  /** `--protocol`: the wire the server speaks, over the provider's. */
  protocol: ProtocolName | undefined;
  /** `--header NAME=VALUE`, repeatable. */
  headers: Record<string, string>;
  /** `--prompt-file PATH`: the prompt, with `{{name}}` variables. */
  promptFile: string | undefined;
  /** `--var name=value`, repeatable: what fills `{{name}}`. */
  vars: Record<string, string>;
  /** Rerun when a prompt or system file is saved. */
  watch: boolean;
  /** `compare --runs N`. */
  runs: number;
  temperature: number | undefined;
  maxTokens: number | undefined;
  /** `--timeout MS`: the provider's `timeoutMs` (the wait for an answer, per attempt). */
  timeoutMs: number | undefined;
  system: string | undefined;
  systemFile: string | undefined;
  stream: boolean;
  json: boolean;
  offline: boolean;
  /** `playground --port N`: the port to listen on (a free one when not given). */
  port: number | undefined;
  /** `playground --open`: open the page in the browser. */
  open: boolean;
  /** `playground --history PATH`: the JSON Lines file runs are saved to. */
  history: string | undefined;
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
  else if (first === "compare") command = "compare";
  else if (first === "replay") command = "replay";
  else if (first === "providers") command = "providers";
  else if (first === "playground") command = "playground";
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
    baseUrl: values["base-url"],
    apiKeyEnv: values["api-key-env"],
    protocol: protocol(values.protocol),
    headers: pairs("--header", values.header ?? []),
    promptFile: values["prompt-file"],
    vars: pairs("--var", values.var ?? []),
    watch: values.watch ?? false,
    runs: runs(values.runs),
    temperature: number("--temperature", values.temperature),
    maxTokens: number("--max-tokens", values["max-tokens"]),
    timeoutMs: number("--timeout", values.timeout),
    system: values.system,
    systemFile: values["system-file"],
    stream: !values["no-stream"] && !values.json,
    json: values.json ?? false,
    offline: values.offline ?? false,
    port: port(values.port),
    open: values.open ?? false,
    history: values.history,
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
      "base-url": { type: "string" },
      "api-key-env": { type: "string" },
      protocol: { type: "string" },
      header: { type: "string", multiple: true },
      "prompt-file": { type: "string" },
      var: { type: "string", multiple: true },
      watch: { type: "boolean" },
      runs: { type: "string" },
      temperature: { type: "string" },
      "max-tokens": { type: "string" },
      timeout: { type: "string" },
      system: { type: "string" },
      "system-file": { type: "string" },
      "no-stream": { type: "boolean" },
      json: { type: "boolean" },
      offline: { type: "boolean" },
      port: { type: "string" },
      open: { type: "boolean" },
      history: { type: "string" },
      help: { type: "boolean", short: "h" },
      version: { type: "boolean", short: "v" },
    },
  });
}

function protocol(value: string | undefined): ProtocolName | undefined {
  if (value === undefined) return undefined;
  if ((PROTOCOL_NAMES as readonly string[]).includes(value)) return value as ProtocolName;
  throw new CliError(
    `--protocol must be one of ${PROTOCOL_NAMES.join(", ")}, got ${JSON.stringify(value)}`,
    EXIT.usage,
  );
}

function number(flag: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (value.trim() === "" || !Number.isFinite(n))
    throw new CliError(`${flag} must be a number, got ${JSON.stringify(value)}`, EXIT.usage);
  return n;
}

/** `NAME=VALUE` pairs of a repeatable flag; the value may hold `=` itself. */
function pairs(flag: string, values: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const value of values) {
    const at = value.indexOf("=");
    // A header's value may be a credential: never echoed, even when malformed.
    if (at <= 0)
      throw new CliError(
        `${flag} takes NAME=VALUE${flag === "--header" ? "" : `, got ${JSON.stringify(value)}`}`,
        EXIT.usage,
      );
    out[value.slice(0, at).trim()] = value.slice(at + 1);
  }
  return out;
}

function port(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!/^\d{1,5}$/.test(value) || n > 65_535)
    throw new CliError(
      `--port must be a port number from 0 to 65535, got ${JSON.stringify(value)}`,
      EXIT.usage,
    );
  return n;
}

function runs(value: string | undefined): number {
  if (value === undefined) return 1;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 100)
    throw new CliError(
      `--runs must be a whole number from 1 to 100, got ${JSON.stringify(value)}`,
      EXIT.usage,
    );
  return n;
}
