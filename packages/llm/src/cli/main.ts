#!/usr/bin/env node
// The `loom-llm` binary.
import { enableCompileCache } from "node:module";

// Node caches the compiled code of every module loaded after this line, so each later run of
// the CLI skips compiling the library again (imports are hoisted: the CLI is loaded below).
enableCompileCache?.();
const { runCli } = await import("./run-cli.js");

const controller = new AbortController();
// Ctrl-C aborts the request or stream cleanly; a second one exits at once.
process.once("SIGINT", () => {
  controller.abort();
  process.once("SIGINT", () => process.exit(130));
});
const code = await runCli(
  process.argv.slice(2),
  { stdout: process.stdout, stderr: process.stderr, stdin: process.stdin, env: process.env },
  controller.signal,
);
process.exitCode = code;
