// The benchmark's TypeScript as plain JavaScript, for the scenarios that time whole processes.
// Node runs a .ts file by stripping its types with amaro, a WebAssembly build of swc that each
// process loads on its first .ts module: about 60 ms on this project's machine, more than a
// third of the floor's cold start, paid alike by every client. An agent ships JavaScript; so
// the cold start and the import are timed on these copies, and that constant is not in them.
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { stripTypeScriptTypes } from "node:module";
import { dirname, join } from "node:path";

/**
 * Writes each .ts file under `src` to `out` (emptied first) as .mjs, its types stripped and its
 * relative `.ts` imports pointing at the copies. `out` must lie inside the package, so that the
 * copies resolve their packages from its node_modules. Returns `out`.
 */
export function plainJavaScript(src: string, out: string): string {
  rmSync(out, { recursive: true, force: true });
  // The API warns that it is experimental, once per process: not a word the table needs.
  const emitWarning = process.emitWarning;
  process.emitWarning = () => {};
  try {
    for (const file of readdirSync(src, { recursive: true, encoding: "utf8" })) {
      if (!file.endsWith(".ts")) continue;
      const code = stripTypeScriptTypes(readFileSync(join(src, file), "utf8"), { mode: "strip" });
      const target = join(out, file.replace(/\.ts$/, ".mjs"));
      mkdirSync(dirname(target), { recursive: true });
      writeFileSync(target, code.replace(/(["'])(\.{1,2}\/[^"']*)\.ts\1/g, "$1$2.mjs$1"));
    }
  } finally {
    process.emitWarning = emitWarning;
  }
  return out;
}
