// The command-line entry of the conformance checks, for runtimes that run a script: Node.js,
// Bun and Deno. `<runtime> conformance.mjs http://127.0.0.1:PORT` (or LOOM_FAKE_URL) prints one
// JSON line per check on stdout, `{"name","ok","detail"}`, and what `show` is given on stderr
// through the runtime's own console, whose inspection must not reveal the key either.
import { runChecks } from "./checks.mjs";

const runtime = globalThis.Deno ?? globalThis.process;
const args = globalThis.Deno ? globalThis.Deno.args : globalThis.process.argv.slice(2);
// Deno reads the environment only with --allow-env, and only argv is needed then.
const url = args[0] ?? (globalThis.Deno ? undefined : globalThis.process.env.LOOM_FAKE_URL);

if (url === undefined) {
  console.error("usage: conformance.mjs http://127.0.0.1:PORT (or set LOOM_FAKE_URL)");
  runtime.exit(2);
}

await runChecks(
  url,
  (line) => console.log(JSON.stringify(line)),
  (label, value) => console.error(`[show] ${label}:`, value),
);
// Every provider was closed; exit anyway, so a handle a runtime keeps open (a pooled socket, a
// timer) cannot hold the harness until its timeout.
runtime.exit(0);
