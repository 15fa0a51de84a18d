// The build of every published package (`tsdown --config ../../tsdown.config.ts`, run in the
// package's folder): one bundled ES module per entry point, with its declarations and source map.
//
// The entries are read from the package's own package.json, so the build follows it:
// - each `exports` target `./dist/X.js` is built from `src/X.ts` (and `bin` alike);
// - each target of a `#` import (package.json `imports`) is an entry of its own, built from its
//   source in the same way, so the runtime still picks the file of its condition (`node` gets the
//   undici and createRequire variants, the other runtimes the fetch and static ones);
// - llm-core's `./dist/node-version.js` (its `sideEffects`) stays a module of its own, imported
//   first, so it still runs before undici is loaded on a Node.js too old for it.
// Every import that is not relative stays external: dependencies, peers, `node:` built-ins, other
// `@loom` packages, and the `#` imports themselves (resolved at run time, by the consumer's
// runtime or bundler, through package.json `imports`).
import { readFileSync } from "node:fs";
import { dirname, relative, resolve } from "node:path";
import { defineConfig } from "tsdown";

interface Manifest {
  exports?: Record<string, unknown>;
  imports?: Record<string, unknown>;
  bin?: string | Record<string, string>;
  sideEffects?: boolean | string[];
}

// The package being built: the folder the build runs in (paths below are absolute, as tsdown
// reads relative ones from this file's folder).
const root = process.cwd();
const manifest = JSON.parse(readFileSync(resolve(root, "package.json"), "utf8")) as Manifest;

/** Every string target under a package.json `exports` or `imports` value, conditions included. */
function targets(value: unknown): string[] {
  if (typeof value === "string") return [value];
  if (typeof value !== "object" || value === null) return [];
  return Object.values(value).flatMap(targets);
}

const built = [
  ...targets(manifest.exports),
  ...targets(manifest.imports),
  ...targets(manifest.bin),
  ...(Array.isArray(manifest.sideEffects) ? manifest.sideEffects : []),
];
const entry: Record<string, string> = {};
// The modules run for their side effects (package.json `sideEffects`), as dist/ names them.
const sideEffectFiles = (Array.isArray(manifest.sideEffects) ? manifest.sideEffects : []).map(
  (file) => file.replace(/^\.\/dist\//, ""),
);
for (const file of built) {
  const match = /^\.\/dist\/(.+)\.js$/.exec(file);
  if (match?.[1] !== undefined) entry[match[1]] = resolve(root, "src", `${match[1]}.ts`);
}

export default defineConfig({
  entry,
  format: "esm",
  platform: "neutral",
  cwd: root,
  outDir: resolve(root, "dist"),
  // `.js` and `.d.ts`, as `type: module` and the `exports` say.
  fixedExtension: false,
  tsconfig: resolve(root, "tsconfig.build.json"),
  sourcemap: true,
  // The declarations from each source alone (the packages set `isolatedDeclarations`), by oxc:
  // TypeScript 7 has no JS compiler API to emit them with.
  dts: { generator: "oxc" },
  deps: { neverBundle: [/^[^./]/] },
  report: false,
  outputOptions: {
    codeSplitting: {
      groups: [
        {
          // llm-core's `readRateLimitHeaders`: exported for users, and otherwise read only by the
          // rate limiter, which the client loads when a config has a rate limit. Merged into the
          // chunk of `sleep` (every client's retries), as modules reached from the same places
          // are, it went into every browser app's start, about 0.5 kB min + gzip of it unused.
          name: "rate-limit-headers",
          test: /[\\/]limit[\\/]rate-limit-headers\.ts$/,
        },
      ],
    },
  },
  plugins: [
    {
      // A chunk places the modules it imports from other chunks after its external imports,
      // whatever their order in the source: a chunk that imports a side-effect module (llm-core's
      // node-version.js, which names the Node.js needed before undici fails on an older one)
      // imports it again on its first line, so it runs before every other import.
      name: "loom:side-effects-first",
      banner(chunk: { fileName: string; imports: string[] }) {
        if (!chunk.fileName.endsWith(".js")) return "";
        return chunk.imports
          .filter((file) => sideEffectFiles.includes(file) && file !== chunk.fileName)
          .map((file) => {
            const path = relative(dirname(chunk.fileName), file);
            return `import "${path.startsWith(".") ? path : `./${path}`}";\n`;
          })
          .join("");
      },
    },
  ],
});
