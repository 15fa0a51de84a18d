import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
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
  if (args.history?.trim() === "")
    throw new CliError(
      "--history needs a file's path (leave it out for ./loom-playground.jsonl)",
      EXIT.usage,
    );
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
  const opened = args.open ? openInBrowser(playground.url, io) : undefined;
  try {
    await new Promise<void>((resolve) => {
      if (signal.aborted) resolve();
      else signal.addEventListener("abort", () => resolve(), { once: true });
    });
  } finally {
    opened?.remove();
    await playground.close();
  }
}

/**
 * Opens `url` with the system's opener. Not by its address: a command line is readable by every
 * user of the machine (`ps`), and the token is what keeps them out of a server on a loopback
 * they share. The opener gets a file only this user can read (0600, in a 0700 folder), which
 * sends the browser on to the address; it is removed when the playground stops. An opener that
 * is missing is said, not fatal.
 */
function openInBrowser(url: string, io: CliIo): { remove(): void } {
  const dir = mkdtempSync(join(tmpdir(), "loom-playground-"));
  const file = join(dir, "open.html");
  const escaped = url.replaceAll("&", "&amp;").replaceAll('"', "&quot;");
  writeFileSync(
    file,
    `<!doctype html><meta charset="utf-8"><meta http-equiv="refresh" content="0;url=${escaped}"><title>loom-llm playground</title><a href="${escaped}">Open the playground</a>\n`,
    { mode: 0o600 },
  );
  const target = pathToFileURL(file).href;
  const [command, ...args] =
    process.platform === "darwin"
      ? ["open", target]
      : process.platform === "win32"
        ? ["cmd", "/c", "start", "", target]
        : ["xdg-open", target];
  const child = spawn(command ?? "xdg-open", args, { stdio: "ignore", detached: true });
  child.on("error", () =>
    io.stderr.write(
      `loom-llm playground: could not open a browser (${command}); open the address yourself\n`,
    ),
  );
  child.unref();
  return { remove: () => rmSync(dir, { recursive: true, force: true }) };
}
