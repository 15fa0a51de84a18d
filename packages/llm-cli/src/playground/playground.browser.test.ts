// The playground in a real browser: headless Chromium (Debian's `chromium`, driven by
// `playwright-core`) loads the page with its token, runs two contenders against fake servers
// that stream a word every 40 ms, sees both panes grow before the streams end, the figures
// filled (cost "unknown": no price for these models), stops a run mid-stream, and finds no key
// in the page's DOM, its network traffic or its storage. Screenshots of each state go to
// `.artifacts/playground/` (ignored by git), one of them shown in the README.
import { execFile, spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdir } from "node:fs/promises";
import { createServer } from "node:net";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { type FakeServer, textStream } from "@loom/llm-testing";
import { type Browser, chromium, type Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { type EchoPlayground, startEchoPlayground } from "./echo-playground.fixture.js";
import type { Playground } from "./playground-server.js";

const CHROMIUM = "/usr/bin/chromium";
const KEY = "sk-Zq8vT3mK9wX2pL7nR4jH6fD1yB5c";
const ARTIFACTS = fileURLToPath(new URL("../../../../.artifacts/playground/", import.meta.url));
/** What the page's functions below read of it (typed here: this package has no DOM types). */
interface PaneState {
  dataset: { state?: string; chars?: string; draws?: string };
}
/** The page's global, as the functions run in it use it. */
interface PageGlobal {
  document: { querySelectorAll(selector: string): Iterable<PaneState> };
}
const WORDS = Array.from({ length: 40 }, (_, i) => `word${i} `);

/** Why Chromium cannot run here, or `undefined`. */
function chromiumMissing(): string | undefined {
  if (!existsSync(CHROMIUM)) return `${CHROMIUM} is missing (Debian's chromium package)`;
  const run = spawnSync(CHROMIUM, ["--version"], { encoding: "utf8", timeout: 15_000 });
  return run.status === 0 ? undefined : `${CHROMIUM} --version failed`;
}

/** The bundled llama.cpp `llama-server` beside the repository (../shared/peers). */
const LLAMA = fileURLToPath(
  new URL("../../../../../shared/peers/llama-server/start.sh", import.meta.url),
);

/** Starts llama-server (its built-in chat template) on a free port; its base URL and its stop. */
async function startLlama(): Promise<{ baseUrl: string; stop: () => void }> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, "127.0.0.1", resolve));
  const { port } = probe.address() as { port: number };
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  const { stdout } = await promisify(execFile)(LLAMA, [String(port), "plain"], {
    timeout: 60_000,
  });
  const pid = Number(/\(pid (\d+)\)/.exec(stdout)?.[1]);
  return {
    baseUrl: `http://127.0.0.1:${port}/v1`,
    stop: () => {
      try {
        process.kill(pid);
      } catch {
        // Already gone.
      }
    },
  };
}

/**
 * Waits until the page shows `count` panes, each in one of `states`. The count matters: right
 * after Run the panes of the run before are gone and the new ones not there yet, and no panes
 * at all would be "all done".
 */
async function panesIn(
  page: Page,
  count: number,
  states: readonly string[],
  timeout = 15_000,
): Promise<void> {
  await page.waitForFunction(
    (wanted) => {
      const all = [...(globalThis as unknown as PageGlobal).document.querySelectorAll("loom-pane")];
      return (
        all.length === wanted.count &&
        all.every((p) => wanted.states.includes(p.dataset.state ?? ""))
      );
    },
    { count, states: [...states] },
    { timeout },
  );
}

const missing = chromiumMissing();
if (missing !== undefined) console.log(`playground browser test skipped: ${missing}`);

describe.skipIf(missing !== undefined)("the playground in headless Chromium", () => {
  let echo: EchoPlayground | undefined;
  let fake: FakeServer;
  let history: string;
  let playground: Playground;
  let browser: Browser;
  let page: Page;
  /** Every response body the page received from the playground. */
  const traffic: string[] = [];
  const pageErrors: string[] = [];

  beforeAll(async () => {
    echo = await startEchoPlayground({
      reply: (request) => {
        // A hostile server: the key it was sent comes back inside the answer.
        const auth = String(request.headers.authorization ?? "");
        const body = request.body as { messages?: { content?: unknown }[] } | undefined;
        const asked = String(body?.messages?.at(-1)?.content ?? "");
        return textStream([...WORDS.slice(0, 5), `${auth} `, `${asked} `, ...WORDS.slice(5)], {
          delayMs: 40,
          model: "fake-model",
        });
      },
      env: { ECHO_KEY: KEY },
    });
    ({ fake, playground, history } = echo);
    await mkdir(ARTIFACTS, { recursive: true });
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking"],
      timeout: 30_000,
    });
    page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    // A script error of the page fails the test that caused it.
    page.on("pageerror", (error) => pageErrors.push(error.message));
    page.on("response", async (response) => {
      if (!response.url().includes("/api/")) return;
      traffic.push(await response.text().catch(() => ""));
    });
  }, 60_000);

  afterEach(() => {
    expect(pageErrors.splice(0)).toEqual([]);
  });

  afterAll(async () => {
    await browser?.close();
    await echo?.close();
  });

  it("refuses the page without its token", async () => {
    const response = await page.goto(playground.url.replace(/\?token=.*/, ""));
    expect(response?.status()).toBe(401);
  });

  it("loads with the token, runs two contenders side by side, streamed, then shows the figures", async () => {
    const started = performance.now();
    await page.goto(playground.url);
    await page.waitForSelector("body[data-ready=true]");
    const loadMs = performance.now() - started;
    await page.fill("#prompt", "Say hello to {{who}}");
    await page.fill("#variables input[name=who]", "Ada");
    await page.selectOption(".contender >> nth=0 >> select[name=provider]", "echo");
    await page.click("#add");
    await page.selectOption(".contender >> nth=1 >> select[name=provider]", "");
    await page.fill(".contender >> nth=1 >> input[name=baseUrl]", fake.baseUrl);
    await page.fill(".contender >> nth=1 >> input[name=model]", "second");
    await page.screenshot({ path: join(ARTIFACTS, "1-ready.png") });
    const asked = performance.now();
    await page.keyboard.press("Control+Enter");
    // Both panes show text while both are still streaming.
    await page.waitForFunction(() => {
      const all = [...(globalThis as unknown as PageGlobal).document.querySelectorAll("loom-pane")];
      return (
        all.length === 2 &&
        all.every((p) => p.dataset.state === "streaming" && Number(p.dataset.chars) > 0)
      );
    });
    const firstTokenMs = performance.now() - asked;
    await page.screenshot({ path: join(ARTIFACTS, "2-streaming.png") });
    await panesIn(page, 2, ["done"]);
    await page.screenshot({ path: join(ARTIFACTS, "3-done.png"), fullPage: true });
    for (const pane of await page.locator("loom-pane").all()) {
      await expect.poll(() => pane.locator(".answer").textContent()).toContain("word39");
      expect(await pane.locator("tr[data-stat=cost] td").nth(1).textContent()).toBe("unknown");
      expect(await pane.locator("tr[data-stat=finish] td").nth(1).textContent()).toBe("stop");
      expect(await pane.locator("tr[data-stat='tokens in / out'] td").nth(1).textContent()).toMatch(
        /^\d+ \/ \d+$/,
      );
    }
    expect(await page.locator("loom-pane h3").allTextContents()).toEqual([
      "echo",
      `${new URL(fake.baseUrl).host} · second`,
    ]);
    const asks = fake.requests.slice(-2).map((r) => r.body as { messages: { content: string }[] });
    for (const body of asks) expect(body.messages.at(-1)?.content).toBe("Say hello to Ada");
    console.log(
      `playground in Chromium: page ready in ${loadMs.toFixed(0)} ms, first token in both panes ${firstTokenMs.toFixed(0)} ms after Ctrl-Enter`,
    );
  });

  it("Stop cuts every stream mid-answer", async () => {
    await page.click("#run");
    await page.waitForFunction(() =>
      [...(globalThis as unknown as PageGlobal).document.querySelectorAll("loom-pane")].some(
        (p) => Number(p.dataset.chars) > 0,
      ),
    );
    await page.click("#stop");
    await panesIn(page, 2, ["stopped"]);
    await page.screenshot({ path: join(ARTIFACTS, "4-stopped.png") });
    const shown = await page.locator("loom-pane .answer").first().textContent();
    expect(shown).not.toContain("word39");
    await expect.poll(() => fake.openConnections, { timeout: 5_000 }).toBe(0);
    expect(await page.isEnabled("#run")).toBe(true);
  });

  it("a second run of another prompt, the diff of two runs of one contender, the export", async () => {
    await page.fill("#prompt", "Say goodbye to {{who}}");
    await page.click("#run");
    await panesIn(page, 2, ["done"]);
    // Run 1's and run 3's answers of the first contender (run 2 was stopped: no answers).
    const entries = page.locator("#history label");
    await expect.poll(() => entries.count()).toBe(4);
    expect(await entries.allTextContents()).toEqual([
      expect.stringMatching(/^ #1 echo: \d+ tokens, cost unknown$/),
      expect.stringMatching(/^ #1 127\.0\.0\.1:\d+ · second: /),
      expect.stringMatching(/^ #3 echo: /),
      expect.stringMatching(/^ #3 127\.0\.0\.1:\d+ · second: /),
    ]);
    await entries.nth(0).locator("input").check();
    await entries.nth(2).locator("input").check();
    await page.waitForSelector("#output .diff");
    expect(await page.locator("#output del").allTextContents()).toContain("hello ");
    expect(await page.locator("#output ins").allTextContents()).toContain("goodbye ");
    expect(await page.locator("#output h2").textContent()).toBe("echo: run #1 → run #3");
    await page.screenshot({ path: join(ARTIFACTS, "5-diff.png"), fullPage: true });
    await page.click("#export");
    await page.waitForSelector("#output pre.toml");
    const toml = (await page.locator("#output pre.toml").textContent()) ?? "";
    expect(toml).toContain("[llm.echo]");
    expect(toml).toContain('api_key_env = "ECHO_KEY"');
    expect(await page.locator("#output pre.typescript").textContent()).toContain(
      "Say goodbye to Ada",
    );
    await page.screenshot({ path: join(ARTIFACTS, "6-export.png"), fullPage: true });
  });

  it("opens a recorded transcript (the playground's own history) and asks a turn again", async () => {
    await page.setInputFiles("#transcript", history);
    const again = page.locator("#output button.ask-again");
    await expect.poll(() => again.count()).toBeGreaterThan(1);
    expect(await page.locator("#output pre.recorded").first().textContent()).toContain("word39");
    await again.first().click();
    await panesIn(page, 2, ["done"]);
    // Each answer compared with the recorded one: the same words, the key's mask aside.
    for (const pane of await page.locator("loom-pane").all())
      await expect
        .poll(() => pane.locator("h3").allTextContents())
        .toContain("against the recorded answer");
    await page.screenshot({ path: join(ARTIFACTS, "7-transcript.png"), fullPage: true });
  });

  it("a real llama.cpp server answers as a contender beside the fake one", async (context) => {
    if (!existsSync(LLAMA)) {
      console.log(`playground llama.cpp contender skipped: ${LLAMA} is missing`);
      context.skip();
    }
    const llama = await startLlama();
    try {
      // Greedy, few tokens: the tiny random-weights model's sampled answers can trip the
      // server's chat template parser (see the peer's README).
      await page.fill("#prompt", "Say hi.");
      const row = page.locator(".contender").nth(1);
      await row.locator("input[name=baseUrl]").fill(llama.baseUrl);
      await row.locator("input[name=model]").fill("tiny");
      await row.locator("input[name=temperature]").fill("0");
      await row.locator("input[name=maxTokens]").fill("8");
      await page.click("#run");
      await panesIn(page, 2, ["done", "error"], 30_000);
      const pane = page.locator("loom-pane").nth(1);
      expect(await pane.locator(".error").textContent()).toBe("");
      expect(await pane.getAttribute("data-state")).toBe("done");
      expect(await pane.locator("tr[data-stat='tokens in / out'] td").nth(1).textContent()).toMatch(
        /^[1-9]\d* \/ [1-8]$/,
      );
      expect(await pane.locator("tr[data-stat=finish] td").nth(1).textContent()).toMatch(
        /^(length|stop)$/,
      );
      await page.screenshot({ path: join(ARTIFACTS, "8-llama.png"), fullPage: true });
    } finally {
      llama.stop();
    }
  });

  it("a response schema: the parsed answer shown as JSON, a reply that is not JSON its error inline", async () => {
    fake.when({ model: "json-answer" }, textStream(['{"colour": ', '"red"}']));
    await page.click("details summary");
    await page.fill(
      "#schema",
      JSON.stringify({ type: "object", properties: { colour: { type: "string" } } }),
    );
    const row = page.locator(".contender").nth(1);
    await row.locator("input[name=baseUrl]").fill(fake.baseUrl);
    await row.locator("input[name=model]").fill("json-answer");
    await page.click("#run");
    await panesIn(page, 2, ["done", "error"]);
    const [words, json] = await page.locator("loom-pane").all();
    expect(await json?.locator("pre.parsed").textContent()).toBe('{\n  "colour": "red"\n}');
    expect(await words?.locator(".error").textContent()).toMatch(/not JSON/);
    await page.screenshot({ path: join(ARTIFACTS, "9-schema.png"), fullPage: true });
    await page.fill("#schema", "{not json");
    await page.click("#run");
    expect(await page.locator("#problem").textContent()).toMatch(/^Response schema: not JSON/);
    await page.fill("#schema", "");
  });

  it("eight contenders at full speed: every pane drawn once a frame, not once a piece", async () => {
    const pieces = Array.from({ length: 400 }, (_, i) => `p${i} `);
    fake.when({ model: "fast" }, textStream(pieces, { model: "fast" }));
    await page.fill("#prompt", "fast");
    for (let i = 2; i < 8; i++) await page.click("#add");
    const rows = page.locator(".contender");
    for (let i = 0; i < 8; i++) {
      const row = rows.nth(i);
      await row.locator("select[name=provider]").selectOption("");
      await row.locator("input[name=baseUrl]").fill(fake.baseUrl);
      await row.locator("input[name=model]").fill("fast");
    }
    const started = performance.now();
    await page.click("#run");
    await panesIn(page, 8, ["done"], 30_000);
    const doneMs = performance.now() - started;
    const draws = await page.evaluate(() =>
      [...(globalThis as unknown as PageGlobal).document.querySelectorAll("loom-pane")].map((p) =>
        Number(p.dataset.draws),
      ),
    );
    for (const pane of await page.locator("loom-pane .answer").all())
      expect(await pane.textContent()).toContain("p399");
    // 400 pieces each, 3 200 in all: drawn in far fewer frames.
    for (const count of draws) expect(count).toBeLessThan(pieces.length / 2);
    console.log(
      `playground in Chromium: 8 contenders x 400 pieces answered in ${doneMs.toFixed(0)} ms, panes drawn ${Math.min(...draws)}-${Math.max(...draws)} times each`,
    );
    for (let i = 7; i >= 2; i--) await rows.nth(i).locator("button").click();
  });

  it("no key anywhere: the DOM, the traffic, the storage", async () => {
    const dom = await page.content();
    const storage = await page.evaluate(() => {
      const { localStorage, sessionStorage } = globalThis as unknown as Record<
        "localStorage" | "sessionStorage",
        Record<string, string>
      >;
      return JSON.stringify({ local: { ...localStorage }, session: { ...sessionStorage } });
    });
    expect(traffic.length).toBeGreaterThan(2);
    // Not the key, nor any 8 characters of it in a row (its mask, `sk-…cdef`, shows less).
    for (const where of [dom, storage, ...traffic])
      for (let i = 0; i + 8 <= KEY.length; i++) expect(where).not.toContain(KEY.slice(i, i + 8));
    expect(traffic.join("")).toContain("sk-…");
    // The server did send the key to its own provider, and the answer echoed it back: masked.
    expect(fake.requests.some((r) => r.headers.authorization === `Bearer ${KEY}`)).toBe(true);
  });
});
