import { readFileSync } from "node:fs";
import type { CliIo } from "./cli-io.js";
import { CliError, EXIT } from "./exit-codes.js";

/** `-` where a prompt or a file is expected: standard input, as in shell tools. */
export const STDIN = "-";

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
  if (path === STDIN) return readStdin(io.stdin);
  try {
    return readFileSync(path, "utf8");
  } catch (error) {
    throw new CliError(
      `cannot read ${what} ${path}: ${(error as NodeJS.ErrnoException).code ?? error}`,
      EXIT.usage,
    );
  }
}

async function drain(stdin: CliIo["stdin"]): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stdin)
    chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk)));
  return Buffer.concat(chunks).toString("utf8");
}
