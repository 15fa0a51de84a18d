import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { defineConfig, type Plugin } from "vitest/config";

// Conditions a `#` import is resolved under in the tests: Node.js's own, as the tests run there.
const CONDITIONS = new Set(["node", "import", "default"]);

/** The target of a package.json `imports` entry under CONDITIONS, first match in key order. */
function target(entry: unknown): string | undefined {
  if (typeof entry === "string") return entry;
  if (typeof entry !== "object" || entry === null) return undefined;
  for (const [condition, value] of Object.entries(entry)) {
    if (!CONDITIONS.has(condition)) continue;
    const found = target(value);
    if (found !== undefined) return found;
  }
  return undefined;
}

/**
 * A package's `#` imports (its package.json `imports`) name built files in dist/, as the
 * published package needs; the tests run the sources, so each is read from the src/ file it is
 * built from, as TypeScript does (the package's tsconfig sets outDir): no build needed first,
 * and no stale dist/ copy tested.
 */
const subpathImportsFromSource: Plugin = {
  name: "loom:subpath-imports-from-source",
  enforce: "pre",
  resolveId(id, importer) {
    if (!id.startsWith("#") || importer === undefined || importer.includes("/node_modules/"))
      return null;
    let dir = dirname(importer);
    while (!existsSync(join(dir, "package.json"))) {
      const up = dirname(dir);
      if (up === dir) return null;
      dir = up;
    }
    const manifest = JSON.parse(readFileSync(join(dir, "package.json"), "utf8")) as {
      imports?: Record<string, unknown>;
    };
    const built = /^\.\/dist\/(.+)\.js$/.exec(target(manifest.imports?.[id]) ?? "");
    if (built === null) return null;
    const source = join(dir, "src", `${built[1]}.ts`);
    return existsSync(source) ? source : null;
  },
};

// One shared config: every package runs `vitest run --config ../../vitest.config.ts`,
// so the root stays the package directory and only its own sources are collected.
export default defineConfig({
  plugins: [subpathImportsFromSource],
  test: {
    // Packages keep tests beside their sources; examples/ has its runner at the top.
    include: ["src/**/*.test.ts", "*.test.ts"],
    // Built output mirrors the sources; collecting it would run every test twice.
    exclude: ["**/node_modules/**", "**/dist/**"],
    reporters: ["default", "json"],
    // .ci/run sums these files into its closing `tests: N passed, M failed` line.
    outputFile: { json: ".vitest-results.json" },
    testTimeout: 20_000,
  },
});
