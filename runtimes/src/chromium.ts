import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type BrowserContext, chromium as playwright } from "playwright-core";
import { bundle } from "./bundle.js";
import { type ConformanceRun, parseLines, type Runtime } from "./runtime.js";

/** Debian's `chromium` package (.ci/setup.sh installs it). */
export const CHROMIUM_PATH = "/usr/bin/chromium";

/** Headless, and nothing reaching out beyond this machine. */
const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

/** The page: imports the bundle, runs the checks against `?server=`, reports through Playwright. */
const PAGE = `<!doctype html>
<meta charset="utf-8">
<title>loom conformance</title>
<script type="module">
  import { runChecks } from "/checks.js";
  const server = new URL(location.href).searchParams.get("server");
  try {
    await runChecks(
      server,
      (line) => window.loomReport(JSON.stringify(line)),
      (label, value) => console.log("[show] " + label + ":", value),
    );
    await window.loomDone("exit 0");
  } catch (error) {
    await window.loomDone("failed: " + String(error));
  }
</script>
`;

/**
 * Headless Chromium (Debian's, driven by `playwright-core`): the checks and `@loom/llm`
 * bundled with the `browser` condition, imported by a page served from another loopback port
 * than the fake server's, so every call is a CORS request as from a real page.
 */
export const chromium: Runtime = {
  name: "Chromium",
  cors: true,
  unavailable: () => chromiumMissing(),
  async run(url, limitMs) {
    const started = performance.now();
    const { code } = await bundle("browser");
    const pageServer = createServer((req, res) => {
      if (req.url?.startsWith("/checks.js")) {
        res.writeHead(200, { "content-type": "text/javascript; charset=utf-8" }).end(code);
      } else if (req.url === "/" || req.url?.startsWith("/?")) {
        res.writeHead(200, { "content-type": "text/html; charset=utf-8" }).end(PAGE);
      } else {
        res.writeHead(404).end();
      }
    });
    await new Promise<void>((resolve) => pageServer.listen(0, "127.0.0.1", resolve));
    const pageUrl = `http://127.0.0.1:${(pageServer.address() as AddressInfo).port}/?server=${encodeURIComponent(url)}`;
    const profile = await mkdtemp(join(tmpdir(), "loom-chromium-"));
    let browser: BrowserContext | undefined;
    const rows: string[] = [];
    let printed = "";
    let timer: NodeJS.Timeout | undefined;
    let ended: string;
    try {
      // A fresh profile (--user-data-dir), removed at the end.
      browser = await playwright.launchPersistentContext(profile, {
        executablePath: CHROMIUM_PATH,
        headless: true,
        args: CHROMIUM_ARGS,
        timeout: 30_000,
      });
      const page = browser.pages()[0] ?? (await browser.newPage());
      // Everything the page prints (the `show` lines, the browser's own network errors).
      page.on("console", (message) => {
        printed += `[console.${message.type()}] ${message.text()}\n`;
      });
      page.on("pageerror", (error) => {
        printed += `[pageerror] ${error.message}\n`;
      });
      const done = new Promise<string>((resolve) => {
        timer = setTimeout(() => resolve(`timed out after ${limitMs} ms`), limitMs);
        void page.exposeFunction("loomDone", (how: string) => resolve(how));
      });
      await page.exposeFunction("loomReport", (row: string) => {
        rows.push(row);
      });
      await page.goto(pageUrl);
      ended = await done;
    } catch (error) {
      ended = `failed: ${error instanceof Error ? error.message : String(error)}`;
    } finally {
      clearTimeout(timer);
      await browser?.close().catch(() => {});
      await new Promise<void>((resolve) => {
        pageServer.closeAllConnections();
        pageServer.close(() => resolve());
      });
      await rm(profile, { recursive: true, force: true, maxRetries: 3 });
    }
    const { lines, other } = parseLines(rows.join("\n"));
    return {
      lines,
      output: `${rows.join("\n")}\n${printed}`,
      other: `the page printed: ${printed.slice(-1_500) || "(nothing)"}; other rows: ${other.join(" | ").slice(-500) || "(none)"}`,
      ended,
      ms: Math.round(performance.now() - started),
    } satisfies ConformanceRun;
  },
};

let missing: string | undefined | null = null;

/** Why Chromium cannot run here, checked once by `chromium --version`. */
function chromiumMissing(): string | undefined {
  if (missing !== null) return missing;
  missing = probe();
  return missing;
}

function probe(): string | undefined {
  if (!existsSync(CHROMIUM_PATH)) {
    return `${CHROMIUM_PATH} is missing (Debian's chromium package; .ci/setup.sh installs it as root)`;
  }
  const run = spawnSync(CHROMIUM_PATH, ["--version"], { encoding: "utf8", timeout: 15_000 });
  if (run.error !== undefined || run.status !== 0) {
    const why = (run.error?.message ?? `exit ${run.status ?? run.signal}: ${run.stderr}`)
      .replace(/\s+/g, " ")
      .trim();
    return `${CHROMIUM_PATH} --version failed (${why.slice(0, 200)})`;
  }
  return undefined;
}
