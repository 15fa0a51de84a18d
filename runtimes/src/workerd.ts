import { spawnSync } from "node:child_process";
import { createRequire } from "node:module";
import type { Readable } from "node:stream";
import { Miniflare } from "miniflare";
import { bundle } from "./bundle.js";
import { type ConformanceRun, parseLines, type Runtime } from "./runtime.js";

/** The compatibility date the worker runs with: workerd's own release (1.20260730.x). */
const COMPATIBILITY_DATE = "2026-07-30";

/**
 * workerd (Cloudflare Workers' runtime, the binary of the `workerd` npm package) through
 * Miniflare: the checks and `@loom/llm` bundled with the `workerd`, `worker`, `browser`
 * conditions into one module worker (`conformance/worker.mjs`), whose fetch handler runs them
 * against the fake server and streams the check lines back.
 */
export const workerd: Runtime = {
  name: "workerd",
  unavailable: () => workerdMissing(),
  async run(url, limitMs) {
    const started = performance.now();
    const { code } = await bundle("workerd");
    let printed = "";
    const collect = (stream: Readable): void => {
      stream.setEncoding("utf8").on("data", (chunk: string) => {
        printed += chunk;
      });
    };
    const mf = new Miniflare({
      modules: true,
      script: code,
      compatibilityDate: COMPATIBILITY_DATE,
      // workerd's console (what `show` prints) comes back here, to be searched for the key.
      handleRuntimeStdio: (stdout: Readable, stderr: Readable) => {
        collect(stdout);
        collect(stderr);
      },
    });
    const controller = new AbortController();
    let timer: NodeJS.Timeout | undefined;
    let body = "";
    let ended = "exit 0";
    try {
      timer = setTimeout(() => controller.abort(), limitMs);
      try {
        const response = await mf.dispatchFetch(
          `http://loom.test/?server=${encodeURIComponent(url)}`,
          { signal: controller.signal },
        );
        if (response.body === null) throw new Error(`HTTP ${response.status}, no body`);
        const decoder = new TextDecoder();
        for await (const chunk of response.body as AsyncIterable<Uint8Array>) {
          body += decoder.decode(chunk, { stream: true });
        }
        if (!response.ok) ended = `HTTP ${response.status}`;
      } catch (error) {
        ended = controller.signal.aborted
          ? `timed out after ${limitMs} ms`
          : `failed: ${error instanceof Error ? error.message : String(error)}`;
      }
    } finally {
      clearTimeout(timer);
      await mf.dispose();
    }
    const { lines, other } = parseLines(body);
    return {
      lines,
      output: `${body}\n${printed}`,
      other: `workerd printed: ${printed.slice(-1_500) || "(nothing)"}; other body: ${other.join(" | ").slice(-500) || "(none)"}`,
      ended,
      ms: Math.round(performance.now() - started),
    } satisfies ConformanceRun;
  },
};

let missing: string | undefined | null = null;

/** Why workerd cannot run here (its binary missing or not starting), checked once. */
function workerdMissing(): string | undefined {
  if (missing !== null) return missing;
  missing = probe();
  return missing;
}

function probe(): string | undefined {
  let file: string;
  try {
    // miniflare runs the `workerd` package's binary, the one its own dependency resolves to.
    const fromMiniflare = createRequire(createRequire(import.meta.url).resolve("miniflare"));
    file = fromMiniflare.resolve("workerd/bin/workerd");
  } catch {
    return 'the npm package "miniflare" (and its "workerd") is not installed (run pnpm install)';
  }
  const run = spawnSync(file, ["--version"], { encoding: "utf8", timeout: 15_000 });
  if (run.error !== undefined || run.status !== 0) {
    const why = (run.error?.message ?? `exit ${run.status ?? run.signal}: ${run.stderr}`)
      .replace(/\s+/g, " ")
      .trim();
    return `${file} --version failed (${why.slice(0, 200)}); the workerd package's postinstall puts the binary there: is "workerd" in allowBuilds of pnpm-workspace.yaml, and @cloudflare/workerd-<platform> installed?`;
  }
  return undefined;
}
