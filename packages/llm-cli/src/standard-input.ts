import { readFileSync, statSync } from "node:fs";
import type { CliIo } from "./cli-io.js";
import { CliError, EXIT } from "./exit-codes.js";

/** `-` where a prompt or a file is expected: standard input, as in shell tools. */
export const STDIN = "-";

/**
 * The most any input (a prompt, a system message, a transcript) may hold: far past any model's
 * context, and a bound on what `yes | loom-llm chat -` would otherwise read into memory.
 */
export const MAX_INPUT_BYTES: number = 64 * 1024 * 1024;

// A stream can be read once: a `--watch` session asks for its prompt again on every run, and
// must get the same text, not the empty rest of a drained pipe.
const texts = new WeakMap<CliIo["stdin"], Promise<string>>();

/** All of standard input, read once per stream; later calls get the same text. */
export function readStdin(stdin: CliIo["stdin"]): Promise<string> {
  let text = texts.get(stdin);
  if (text === undefined) {
    text = drain(stdin);
    texts.set(stdin, text);
  }
  return text;
}

/**
 * A file named on the command line, or standard input for `-`. An unreadable file is a usage
 * error naming the flag (`what`) and the path.
 */
export async function readInput(path: string, io: CliIo, what: string): Promise<string> {
  if (path === STDIN) return textOf(await readStdin(io.stdin), `${what} -`);
  let text: string;
  try {
    if (statSync(path).size > MAX_INPUT_BYTES) throw tooLarge(`${what} ${path}`);
    text = readFileSync(path, "utf8");
  } catch (error) {
    if (error instanceof CliError) throw error;
    throw new CliError(
      `cannot read ${what} ${path}: ${(error as NodeJS.ErrnoException).code ?? error}`,
      EXIT.usage,
    );
  }
  return textOf(text, `${what} ${path}`);
}

/** Text as read, refused when it is no text at all (a NUL byte: a binary file). */
function textOf(text: string, what: string): string {
  if (text.includes("\u0000"))
    throw new CliError(`${what} is not text (it holds a NUL byte: a binary file?)`, EXIT.usage);
  return text;
}

function tooLarge(what: string): CliError {
  return new CliError(`${what} is larger than ${MAX_INPUT_BYTES / 1024 / 1024} MiB`, EXIT.usage);
}

async function drain(stdin: CliIo["stdin"]): Promise<string> {
  const chunks: Buffer[] = [];
  let bytes = 0;
  for await (const chunk of stdin) {
    const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk));
    bytes += buffer.length;
    if (bytes > MAX_INPUT_BYTES) throw tooLarge("standard input");
    chunks.push(buffer);
  }
  return Buffer.concat(chunks).toString("utf8");
}
