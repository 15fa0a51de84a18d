import type { CliArgs } from "./cli-args.js";
import type { CliIo } from "./cli-io.js";
import { CliError, EXIT } from "./exit-codes.js";
import { readInput, readStdin, STDIN } from "./standard-input.js";
import { fillTemplate } from "./template-variables.js";

/**
 * The prompt of a run: the words after the command (`-` alone: standard input), else
 * `--prompt-file` (`-`: standard input; its `{{name}}` variables filled by `--var name=value`),
 * else standard input when it is not a terminal.
 */
export async function promptOf(
  args: CliArgs,
  io: CliIo,
  words: readonly string[],
): Promise<string> {
  if (words.length > 0 && args.promptFile !== undefined)
    throw new CliError("give the prompt as words or as --prompt-file, not both", EXIT.usage);
  checkStdinReaders(args, words);
  if (args.promptFile !== undefined) {
    const filled = fill(await readInput(args.promptFile, io, "--prompt-file"), args);
    if (filled.trim() === "")
      throw new CliError(`no prompt: --prompt-file ${args.promptFile} is empty`, EXIT.usage);
    return filled;
  }
  // A `-` among other words is a dash in the sentence ("5 - 3"); alone, it names stdin.
  const fromStdin = words.length === 1 && words[0] === STDIN;
  const prompt =
    words.length > 0 && !fromStdin
      ? words.join(" ")
      : // Without `-`, a terminal on stdin means no prompt was piped: say so, not wait for one.
        fromStdin || !io.stdin.isTTY
        ? (await readStdin(io.stdin)).trim()
        : "";
  if (prompt.trim() === "")
    throw new CliError(
      `no prompt: loom-llm ${args.command} "your question", --prompt-file p.md, or pipe it on stdin${fromStdin ? " (- read standard input, and it was empty)" : ""}`,
      EXIT.usage,
    );
  return prompt;
}

/** The system message from `--system` or `--system-file` (`-`: stdin; filled like a prompt file). */
export async function systemOf(args: CliArgs, io: CliIo): Promise<string | undefined> {
  if (args.system !== undefined && args.systemFile !== undefined)
    throw new CliError("use --system or --system-file, not both", EXIT.usage);
  if (args.systemFile === undefined) return args.system;
  return fill(await readInput(args.systemFile, io, "--system-file"), args);
}

/** Fills `{{name}}` from `--var`; a variable left without a value is a usage error naming it. */
export function fill(template: string, args: CliArgs): string {
  const { text, missing } = fillTemplate(template, args.vars);
  if (missing.length > 0)
    throw new CliError(
      `no value for ${missing.map((name) => `{{${name}}}`).join(", ")}: add ${missing.map((name) => `--var ${name}=…`).join(" ")}`,
      EXIT.usage,
    );
  return text;
}

/**
 * Standard input holds one text: two inputs both read from it would get the same one. A
 * `--system-file -` next to a prompt that also comes from stdin is a usage error saying which.
 */
function checkStdinReaders(args: CliArgs, words: readonly string[]): void {
  if (args.systemFile !== STDIN) return;
  const promptReader =
    args.promptFile === STDIN
      ? "--prompt-file -"
      : words.length === 0 && args.promptFile === undefined
        ? "the prompt (no words given)"
        : words.length === 1 && words[0] === STDIN
          ? "the prompt -"
          : undefined;
  if (promptReader !== undefined)
    throw new CliError(
      `--system-file - and ${promptReader} would both read standard input: give one of them as words or a file`,
      EXIT.usage,
    );
}
