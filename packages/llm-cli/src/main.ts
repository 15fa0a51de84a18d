#!/usr/bin/env node
// The `loom-llm` binary.
// A namespace import: Node.js older than 22 has no `enableCompileCache`, and a named import of
// it would fail before the version check below could say why.
import * as nodeModule from "node:module";

const [major = 0, minor = 0] = process.versions.node.split(".").map(Number);
if (major < 22 || (major === 22 && minor < 19)) {
  process.stderr.write(
    `loom-llm: needs Node.js >= 22.19; this is Node.js ${process.versions.node}. Install a newer Node.js (nodejs.org, or a version manager such as nvm or fnm).\n`,
  );
  process.exit(1);
}

// Node caches the compiled code of every module loaded after this line, so each later run of
// the CLI skips compiling the library again (imports are hoisted: the CLI is loaded below).
nodeModule.enableCompileCache?.();
const { runCli } = await import("./run-cli.js");
const { EXIT } = await import("./exit-codes.js");

const controller = new AbortController();
// Ctrl-C aborts the request or stream cleanly; a second one exits at once. A prompt still being
// read from standard input (`-`, a terminal) stops being read too: else the first Ctrl-C would
// only take effect once the prompt ended. What was read of it goes nowhere: the signal is
// aborted first, and an aborted request is never sent.
// SIGTERM (`kill`, a service manager) and SIGHUP (the terminal closed) end a run as Ctrl-C does:
// the answer's line ended, what was spent, colours reset; the exit status is the signal's, as
// shells report it (143, 129).
let signalled: number | undefined;
for (const [name, status] of [
  ["SIGINT", 130],
  ["SIGTERM", 143],
  ["SIGHUP", 129],
] as const)
  process.once(name, () => {
    signalled ??= status;
    controller.abort();
    process.stdin.destroy();
    process.once(name, () => process.exit(status));
  });
// A reader that went away (`| head`): stop quietly, as shell tools do, asking nothing more.
// Any other failed write (a full disk, `> /dev/full`) is said in one line on stderr, when the
// failed stream is not stderr itself, and ends the run with its own status.
for (const stream of [process.stdout, process.stderr])
  stream.on("error", (error: NodeJS.ErrnoException) => {
    controller.abort();
    // A terminal closed (SIGHUP) fails its writes too: the signal is the reason to report.
    if (signalled !== undefined) process.exit(signalled);
    if (error.code === "EPIPE") process.exit(process.exitCode ?? 0);
    if (stream === process.stdout)
      process.stderr.write(`loom-llm: cannot write to standard output: ${error.message}\n`);
    process.exit(EXIT.output);
  });
const code = await runCli(
  process.argv.slice(2),
  { stdout: process.stdout, stderr: process.stderr, stdin: process.stdin, env: process.env },
  controller.signal,
);
process.exitCode = signalled !== undefined && code === EXIT.interrupted ? signalled : code;
