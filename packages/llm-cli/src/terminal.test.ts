// The CLI as a person sees it: in a pseudo-terminal (util-linux's `script` allocates one), the
// screen shows sections, progress and colour; with NO_COLOR, no colour; `--watch` reruns when
// the prompt file is saved and shows what changed.
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { completionBody, createFakeServer, textStream } from "@loom/llm-testing";
import { describe, expect, it } from "vitest";
import { cli } from "./cli.fixture.js";

const main = fileURLToPath(new URL("../dist/main.js", import.meta.url));
const hasScript = (() => {
  try {
    execFileSync("script", ["--version"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
})();
if (!hasScript)
  console.log("terminal tests skipped: no `script` (util-linux) to make a pseudo-terminal");

const quote = (arg: string) => `'${arg.replaceAll("'", "'\\''")}'`;

/** Runs the CLI in a pseudo-terminal; `screen()` is everything shown so far. */
function inTerminal(args: string[], env: Record<string, string> = {}) {
  const command = [process.execPath, main, ...args].map(quote).join(" ");
  const child: ChildProcess = spawn("script", ["-qfec", command, "/dev/null"], {
    env: { ...process.env, TERM: "xterm", NO_COLOR: "", ...env },
    stdio: ["pipe", "pipe", "pipe"],
  });
  let shown = "";
  child.stdout?.on("data", (data: Buffer) => {
    shown += data.toString();
  });
  const exited = new Promise<number | null>((resolve) => child.once("exit", resolve));
  return {
    screen: () => shown,
    exited,
    async until(text: string, timeoutMs = 10_000): Promise<void> {
      const end = Date.now() + timeoutMs;
      while (!shown.includes(text)) {
        if (Date.now() > end) throw new Error(`never showed ${JSON.stringify(text)}:\n${shown}`);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    },
    stop: () => child.kill("SIGTERM"),
  };
}

describe.runIf(hasScript)("in a terminal", () => {
  it("compare: progress and a coloured section per contender, then the table", async () => {
    const run = inTerminal(["compare", "--offline", "--model", "small,large", "hello"]);
    expect(await run.exited).toBe(0);
    const screen = run.screen();
    expect(screen).toContain("offline · small: asking…");
    expect(screen).toContain("\u001b[1m── offline · small ──\u001b[22m");
    expect(screen).toContain("\u001b[1m── offline · large ──\u001b[22m");
    expect(screen).toMatch(/provider · model\s+first token/);
    expect(screen).toContain("spent an unknown amount on 2 answers");
  });

  it("NO_COLOR: the same screen without colour", async () => {
    const run = inTerminal(["compare", "--offline", "--model", "a,b", "hello"], { NO_COLOR: "1" });
    expect(await run.exited).toBe(0);
    expect(run.screen()).toContain("── offline · a ──");
    expect(run.screen()).not.toContain("\u001b[");
  });

  it("chat --watch: saving the prompt file runs it again and shows what changed", async () => {
    const dir = mkdtempSync(join(tmpdir(), "loom-watch-"));
    const prompt = join(dir, "prompt.md");
    writeFileSync(prompt, "Describe the sea.");
    const run = inTerminal(["chat", "--offline", "--prompt-file", prompt, "--watch"]);
    try {
      await run.until("Ctrl-C to stop");
      writeFileSync(prompt, "Describe the mountains.");
      await run.until("changed:");
      await run.until("Ctrl-C to stop", 10_000);
      const screen = run.screen();
      expect(screen).toContain('You asked: "Describe the sea."');
      expect(screen).toContain('You asked: "Describe the mountains."');
      // The old words struck in red, the new ones in green; tokens before and after.
      expect(screen).toContain('\u001b[31m[-sea.". -]\u001b[39m');
      expect(screen).toContain('\u001b[32m{+mountains.". +}\u001b[39m');
      expect(screen).toMatch(/tokens \d+\+\d+ → \d+\+\d+ \(prompt [+-]\d+, completion [+-]\d+\)/);
    } finally {
      run.stop();
      await run.exited;
    }
  });

  it("a model's escapes: colours act and are reset before the CLI's line; conceal is shown", async () => {
    const server = await createFakeServer({
      fallback: textStream(["\u001b[8mhidden\r", "\u001b[31mred", "\u202Eevil"]),
    });
    try {
      const run = inTerminal(["chat", "--base-url", server.baseUrl, "hi"]);
      expect(await run.exited).toBe(0);
      const screen = run.screen();
      expect(screen).toContain("^[[8mhidden^M\u001b[31mred<U+202E>evil\u001b[0m\r\n[");
      expect(screen).not.toContain("\u001b[8m");
    } finally {
      await server.close();
    }
  });

  it("TERM=dumb: no escape sequence of the CLI's own, as with NO_COLOR", async () => {
    const run = inTerminal(["compare", "--offline", "--model", "a,b", "hello"], { TERM: "dumb" });
    expect(await run.exited).toBe(0);
    expect(run.screen()).toContain("── offline · a ──");
    expect(run.screen()).not.toContain("\u001b[");
  });

  it("a retry is said on the terminal: what failed, how long the wait, which attempt is next", async () => {
    const slowDown = {
      type: "error" as const,
      status: 429,
      headers: { "retry-after-ms": "300" },
      body: { error: { message: "slow down" } },
    };
    const server = await createFakeServer({
      // The first run retried twice, the piped and the --json runs once.
      replies: [
        slowDown,
        { ...slowDown, headers: { "retry-after": "1" } },
        textStream(["ok"]),
        slowDown,
        textStream(["ok"]),
        slowDown,
        { type: "json", body: completionBody({ content: "ok" }) },
      ],
    });
    try {
      const run = inTerminal(["chat", "--base-url", server.baseUrl, "hi"]);
      expect(await run.exited).toBe(0);
      const screen = run.screen();
      expect(screen).toContain(
        "loom-llm: HTTP 429 (RateLimitError); retrying in 300 ms (attempt 2 of 3)\r\n",
      );
      expect(screen).toContain(
        "loom-llm: HTTP 429 (RateLimitError); retrying in 1 s (attempt 3 of 3)\r\nok",
      );
      // Not on a terminal, and with --json, nothing more is said.
      const piped = await cli(["chat", "--base-url", server.baseUrl, "hi"]);
      expect(piped.code).toBe(0);
      expect(piped.stderr).not.toContain("retrying");
      const json = inTerminal(["chat", "--json", "--base-url", server.baseUrl, "hi"]);
      expect(await json.exited, json.screen()).toBe(0);
      expect(json.screen()).not.toContain("retrying");
      expect(server.requests).toHaveLength(7);
    } finally {
      await server.close();
    }
  });
});
