// Runs the CLI in process, as a test drives it: captured output, a given environment and stdin.
import { PassThrough } from "node:stream";
import { runCli } from "./run-cli.js";

/** Runs the CLI in process with captured output. */
export async function cli(
  argv: string[],
  options: { env?: NodeJS.ProcessEnv; stdin?: string; signal?: AbortSignal } = {},
): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = "";
  let stderr = "";
  const out = new PassThrough().on("data", (d: Buffer) => {
    stdout += d.toString();
  });
  const err = new PassThrough().on("data", (d: Buffer) => {
    stderr += d.toString();
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
