import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";

/** This workspace package's directory: runtimes resolve `@loom/llm` from its node_modules. */
export const RUNTIMES_DIR: string = resolve(dirname(fileURLToPath(import.meta.url)), "..");

/** One line the conformance checks reported: a check and how it went. */
export interface CheckLine {
  name: string;
  ok: boolean;
  detail: string;
}

/** How one run of the conformance checks under a runtime went. */
export interface ConformanceRun {
  /** The check lines, in the order reported. */
  lines: CheckLine[];
  /** Everything the runtime printed (stdout, stderr, a page's console), to search for the key. */
  output: string;
  /** Output that is not a check line, for a failure's message (a runtime's warnings, a crash). */
  other: string;
  /** `exit 0` when the run reached its end; otherwise how it ended (`timed out after …`). */
  ended: string;
  ms: number;
}

/**
 * A runtime the conformance checks run under. A script runtime (Node.js, Bun, Deno) runs
 * `conformance/conformance.mjs` as a child process; workerd (through Miniflare) and Chromium
 * (through Playwright) run `conformance/checks.mjs` bundled with `@loom/llm` (`bundle.ts`) from
 * an entry of their own and collect the same lines, so the suite (`describeRuntime`) stays the same for every runtime.
 */
export interface Runtime {
  /** The name in test titles and messages. */
  readonly name: string;
  /** Whether the fake server must allow CORS: the checks run in a web page, on another origin. */
  readonly cors?: boolean;
  /** Why it cannot run on this machine (its binary is missing), or `undefined`. */
  unavailable(): string | undefined;
  /**
   * Runs the checks against the fake server at `url` (`http://127.0.0.1:PORT`) and ends
   * everything it started, even when they fail or time out.
   */
  run(url: string, limitMs: number): Promise<ConformanceRun>;
}

/** The check lines among `text`'s lines, and the rest. */
export function parseLines(text: string): { lines: CheckLine[]; other: string[] } {
  const lines: CheckLine[] = [];
  const other: string[] = [];
  for (const row of text.split("\n")) {
    if (row.trim() === "") continue;
    const line = parseLine(row);
    if (line === undefined) other.push(row);
    else lines.push(line);
  }
  return { lines, other };
}

function parseLine(row: string): CheckLine | undefined {
  try {
    const value = JSON.parse(row) as Partial<CheckLine>;
    if (typeof value.name !== "string" || typeof value.ok !== "boolean") return undefined;
    return { name: value.name, ok: value.ok, detail: String(value.detail ?? "") };
  } catch {
    return undefined;
  }
}
