/** Where the CLI reads and writes: the process's streams and environment; tests pass their own. */
export interface CliIo {
  /** The answer, and nothing else (colour only when it is a terminal). */
  stdout: NodeJS.WritableStream & { isTTY?: boolean };
  /** Usage, cost, progress and errors. */
  stderr: NodeJS.WritableStream & { isTTY?: boolean };
  /** A prompt, system message or transcript given as `-` (or piped with no prompt). */
  stdin: NodeJS.ReadableStream & { isTTY?: boolean };
  /** The variables that hold keys (`DEEPSEEK_API_KEY`, `--api-key-env`) and `NO_COLOR`. */
  env: NodeJS.ProcessEnv;
}
