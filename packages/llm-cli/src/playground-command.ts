import { spawn } from "node:child_process";
import type { CliArgs } from "./cli-args.js";
import type { CliIo } from "./cli-io.js";
import { CliError, EXIT } from "./exit-codes.js";
import { startPlayground } from "./playground/playground-server.js";

/** Where runs are saved when `--history` does not say: the current directory. */
export const DEFAULT_HISTORY = "loom-playground.jsonl";

/**
 * `loom-llm playground [--port N] [--open] [--history PATH]`: serves the playground on
 * 127.0.0.1 and prints its address (with the token every request needs) on stdout, until
 * Ctrl-C. The providers are the presets and loom.toml's (`--config`), their keys read here and
 * never sent to the page; `--offline` answers every contender from the built-in fake server.
 * Every answer is appended to the history file, which `loom-llm replay` reads.
 */
export async function playgroundCommand(
  args: CliArgs,
  io: CliIo,
  signal: AbortSignal,
): Promise<void> {
  let playground: Awaited<ReturnType<typeof startPlayground>>;
  try {
    playground = await startPlayground({
      args,
      env: io.env,
      port: args.port,
      historyPath: args.history ?? DEFAULT_HISTORY,
      onWarning: (message) => io.stderr.write(`loom-llm playground: ${message}\n`),
    });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "EADDRINUSE" || code === "EACCES")
      throw new CliError(
        `--port ${args.port}: ${code === "EADDRINUSE" ? "already in use" : "not allowed"}; pick another, or leave --port out for a free one`,
        EXIT.usage,
      );
    throw error;
  }
  io.stdout.write(`${playground.url}\n`);
  io.stderr.write(
    `loom-llm playground: open the address above; runs are saved to ${args.history ?? DEFAULT_HISTORY} (loom-llm replay reads it); Ctrl-C to stop\n`,
  );
  if (args.open) openInBrowser(playground.url, io);
  await new Promise<void>((resolve) => {
    if (signal.aborted) resolve();
    else signal.addEventListener("abort", () => resolve(), { once: true });
  });
  await playground.close();
}

/** Opens `url` with the system's opener; one that is missing is said, not fatal. */
function openInBrowser(url: string, io: CliIo): void {
  const [command, ...args] =
    process.platform === "darwin"
      ? ["open", url]
      : process.platform === "win32"
        ? ["cmd", "/c", "start", "", url]
        : ["xdg-open", url];
  const child = spawn(command ?? "xdg-open", args, { stdio: "ignore", detached: true });
  child.on("error", () =>
    io.stderr.write(
      `loom-llm playground: could not open a browser (${command}); open the address yourself\n`,
    ),
  );
  child.unref();
}
