// Runs the CLI in process, as a test drives it: captured output, a given environment and stdin.
import { PassThrough } from "node:stream";
import { runCli } from "./run-cli.js";

/** Runs the CLI in process with captured output. */
export async function cli(
  argv: string[],
  options: {
    env?: NodeJS.ProcessEnv;
    stdin?: string | Buffer;
    signal?: AbortSignal;
    /** Sees everything written so far, after each write: a test can press Ctrl-C mid-answer. */
    onOutput?: (stdout: string, stderr: string) => void;
  } = {},
): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = "";
  let stderr = "";
  const out = new PassThrough().on("data", (d: Buffer) => {
    stdout += d.toString();
    options.onOutput?.(stdout, stderr);
  });
  const err = new PassThrough().on("data", (d: Buffer) => {
    stderr += d.toString();
    options.onOutput?.(stdout, stderr);
  });
  const stdin = Object.assign(new PassThrough(), { isTTY: options.stdin === undefined });
  if (options.stdin !== undefined) stdin.end(options.stdin);
  const code = await runCli(
    argv,
    { stdout: out, stderr: err, stdin, env: options.env ?? {} },
    options.signal ?? new AbortController().signal,
  );
  return { code, stdout, stderr };
}
