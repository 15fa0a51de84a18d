import { readFileSync } from "node:fs";
import type { CliIo } from "./chat-command.js";
import type { CliArgs } from "./cli-args.js";
import { CliError, EXIT } from "./exit-codes.js";

/** `{{name}}` in a prompt or system file: a word, with optional spaces inside the braces. */
const VARIABLE = /\{\{\s*([A-Za-z_][\w-]*)\s*\}\}/g;

/**
 * The prompt of a run: the words after the command, else `--prompt-file` (its `{{name}}`
 * variables filled by `--var name=value`), else standard input.
 */
export async function promptOf(
  args: CliArgs,
  io: CliIo,
  words: readonly string[],
): Promise<string> {
  if (words.length > 0 && args.promptFile !== undefined)
    throw new CliError("give the prompt as words or as --prompt-file, not both", EXIT.usage);
  if (args.promptFile !== undefined) return fill(readText(args.promptFile, "--prompt-file"), args);
  const prompt = words.length > 0 ? words.join(" ") : await readStdin(io.stdin);
  if (prompt.trim() === "")
    throw new CliError(
      'no prompt: loom-llm chat "your question", --prompt-file p.md, or pipe it on stdin',
      EXIT.usage,
    );
  return prompt;
}

/** The system message from `--system` or `--system-file` (filled like a prompt file). */
export function systemOf(args: CliArgs): string | undefined {
  if (args.system !== undefined && args.systemFile !== undefined)
    throw new CliError("use --system or --system-file, not both", EXIT.usage);
  if (args.systemFile === undefined) return args.system;
  return fill(readText(args.systemFile, "--system-file"), args);
}

/** Fills `{{name}}` from `--var`; a variable left without a value is a usage error naming it. */
export function fill(template: string, args: CliArgs): string {
  const missing = new Set<string>();
  const text = template.replace(VARIABLE, (whole, name: string) => {
    const value = args.vars[name];
    if (value === undefined) {
      missing.add(name);
      return whole;
    }
    return value;
  });
  if (missing.size > 0)
    throw new CliError(
      `no value for ${[...missing].map((name) => `{{${name}}}`).join(", ")}: add ${[...missing].map((name) => `--var ${name}=…`).join(" ")}`,
      EXIT.usage,
    );
  return text;
}

function readText(path: string, flag: string): string {
  try {
    return readFileSync(path, "utf8");
  } catch (error) {
    throw new CliError(
      `cannot read ${flag} ${path}: ${(error as NodeJS.ErrnoException).code ?? error}`,
      EXIT.usage,
    );
  }
}

async function readStdin(stdin: CliIo["stdin"]): Promise<string> {
  if (stdin.isTTY) return "";
  const chunks: Buffer[] = [];
  for await (const chunk of stdin)
    chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk)));
  return Buffer.concat(chunks).toString("utf8").trim();
}
