import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { rolldown } from "rolldown";
import { RUNTIMES_DIR } from "./runtime.js";

/** A target the conformance checks are bundled for, with `@loom/llm` and all it imports. */
export type BundleTarget = "workerd" | "browser";

/** The entry and export conditions of each target. */
const TARGETS: Record<BundleTarget, { entry: string; conditions: string[] }> = {
  // Wrangler's conditions: `workerd`, `worker`, `browser` (then `import`, `default`).
  workerd: {
    entry: join(RUNTIMES_DIR, "conformance", "worker.mjs"),
    conditions: ["workerd", "worker", "browser", "import", "default"],
  },
  browser: {
    entry: join(RUNTIMES_DIR, "conformance", "checks.mjs"),
    conditions: ["browser", "import", "default"],
  },
};

/** One bundled ES module. */
export interface Bundle {
  /** The module's source. */
  code: string;
  /** Its size in bytes, and gzipped (level 9). */
  bytes: number;
  gzipBytes: number;
}

/**
 * Bundles the target's entry (and `@loom/llm`, resolved from this package's node_modules with
 * the target's export conditions) into one ES module, minified, in a temporary directory
 * removed before it returns.
 */
export async function bundle(target: BundleTarget): Promise<Bundle> {
  const { entry, conditions } = TARGETS[target];
  const dir = await mkdtemp(join(tmpdir(), `loom-${target}-bundle-`));
  try {
    const build = await rolldown({
      input: entry,
      cwd: RUNTIMES_DIR,
      platform: "browser",
      resolve: { conditionNames: conditions },
      logLevel: "warn",
    });
    try {
      await build.write({
        dir,
        format: "esm",
        entryFileNames: "checks.js",
        minify: true,
        codeSplitting: false,
      });
    } finally {
      await build.close();
    }
    const code = await readFile(join(dir, "checks.js"), "utf8");
    const bytes = Buffer.byteLength(code);
    return { code, bytes, gzipBytes: gzipSync(code, { level: 9 }).length };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
