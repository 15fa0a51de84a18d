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
const texts = new WeakMap<CliIo["stdin"], Promise<Buffer>>();

/**
 * All of standard input, read once per stream; later calls get the same text. Bytes that are no
 * text (a NUL byte, invalid UTF-8) are a usage error naming `what`, as they are in a file.
 */
export async function readStdin(stdin: CliIo["stdin"], what = "standard input"): Promise<string> {
  let bytes = texts.get(stdin);
  if (bytes === undefined) {
    bytes = drain(stdin);
    texts.set(stdin, bytes);
  }
  return textOf(await bytes, what);
}

/**
 * A file named on the command line, or standard input for `-`. An unreadable file is a usage
 * error naming the flag (`what`) and the path.
 */
export async function readInput(path: string, io: CliIo, what: string): Promise<string> {
  if (path === STDIN) return readStdin(io.stdin, `${what} -`);
  let bytes: Buffer;
  try {
    if (statSync(path).size > MAX_INPUT_BYTES) throw tooLarge(`${what} ${path}`);
    bytes = readFileSync(path);
  } catch (error) {
    if (error instanceof CliError) throw error;
    throw new CliError(
      `cannot read ${what} ${path}: ${(error as NodeJS.ErrnoException).code ?? error}`,
      EXIT.usage,
    );
  }
  return textOf(bytes, `${what} ${path}`);
}

// Fatal: a byte that is no UTF-8 is refused, not sent as U+FFFD in place of what the user wrote.
// A byte order mark is kept, as it was read.
const utf8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });

/**
 * Bytes as text, refused when they are no text: a NUL byte (a binary file), or bytes that are
 * not UTF-8 (a file in another encoding, or binary), which would reach the model as U+FFFD.
 */
function textOf(bytes: Buffer, what: string): string {
  if (bytes.includes(0))
    throw new CliError(`${what} is not text (it holds a NUL byte: a binary file?)`, EXIT.usage);
  try {
    return utf8.decode(bytes);
  } catch {
    throw new CliError(
      `${what} is not UTF-8 text (a binary file, or text in another encoding: convert it, e.g. iconv -t UTF-8)`,
      EXIT.usage,
    );
  }
}

function tooLarge(what: string): CliError {
  return new CliError(`${what} is larger than ${MAX_INPUT_BYTES / 1024 / 1024} MiB`, EXIT.usage);
}

async function drain(stdin: CliIo["stdin"]): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let bytes = 0;
  for await (const chunk of stdin) {
    const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk));
    bytes += buffer.length;
    if (bytes > MAX_INPUT_BYTES) throw tooLarge("standard input");
    chunks.push(buffer);
  }
  return Buffer.concat(chunks);
}
