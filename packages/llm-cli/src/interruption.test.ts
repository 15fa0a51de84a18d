// Ctrl-C mid-answer, in every command that asks: exit 130 and what was spent, the answer cut
// short included (its cost known only when its usage had arrived). In process, Ctrl-C is the
// abort of the signal `main.ts` aborts on SIGINT; the last test sends a real SIGINT.
import { type ChildProcess, spawn } from "node:child_process";
import { closeSync, mkdtempSync, openSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import {
  completionBody,
  completionChunk,
  createFakeServer,
  type FakeServer,
  textStream,
  wireUsage,
} from "@loom/llm-testing";
import { afterEach, describe, expect, it } from "vitest";
import { cli } from "./cli.fixture.js";

const dir = mkdtempSync(join(tmpdir(), "loom-interrupt-"));
const servers: FakeServer[] = [];
const controllers: AbortController[] = [];
let child: ChildProcess | undefined;

afterEach(async () => {
  // Nothing a test starts outlives it, even when it failed half-way: the CLI runs in process
  // stop with their signal, the child is killed, the servers closed.
  for (const controller of controllers.splice(0)) controller.abort();
  if (child !== undefined && child.exitCode === null && child.signalCode === null)
    child.kill("SIGKILL");
  child = undefined;
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

async function server(options: Parameters<typeof createFakeServer>[0]): Promise<FakeServer> {
  const started = await createFakeServer(options);
  servers.push(started);
  return started;
}

/** A stream that sends `pieces` (the first with `usage`, when given), then stalls. */
function stalling(pieces: string[], usage?: ReturnType<typeof wireUsage>) {
  return {
    type: "sse" as const,
    events: [
      ...pieces.map((content, i) =>
        completionChunk({ content }, i === 0 && usage ? { usage } : {}),
      ),
      { delayMs: 60_000 },
    ],
  };
}

/** The Ctrl-C of one in-process run; pressed in `afterEach` if the test did not. */
function ctrlC(): AbortController {
  const controller = new AbortController();
  controllers.push(controller);
  return controller;
}

/** Resolves once `ready()` holds; polls, so a loaded machine only makes it slower. */
async function until(ready: () => boolean, what: string, timeoutMs = 15_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!ready()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** A loom.toml of the given `[llm.NAME]` tables, each a base URL and a price per Mtok. */
function config(tables: Record<string, { baseUrl: string; input?: number; output?: number }>) {
  const file = join(dir, `${Object.keys(tables).join("-")}-${servers.length}.toml`);
  writeFileSync(
    file,
    Object.entries(tables)
      .map(
        ([name, t]) =>
          `[llm.${name}]\nbase_url = "${t.baseUrl}"\nmodel = "m"\n${t.input === undefined ? "" : `input_per_mtok = ${t.input}\noutput_per_mtok = ${t.output}\n`}`,
      )
      .join("\n"),
  );
  return file;
}

describe("Ctrl-C says what was spent", () => {
  it("chat, mid-stream before any usage arrived: the interrupted answer's cost is unknown", async () => {
    const slow = await server({ replies: [stalling(["Bon"])] });
    const controller = ctrlC();
    const run = await cli(["chat", "--base-url", slow.baseUrl, "hi"], {
      signal: controller.signal,
      onOutput: (stdout) => stdout.includes("Bon") && controller.abort(),
    });
    expect(run.stdout).toBe("Bon");
    expect(run.stderr).toBe(
      "\nloom-llm: interrupted; spent an unknown amount on 1 answer (1 interrupted, cost unknown)\n",
    );
    expect(run.code).toBe(130);
  });

  it("chat, mid-stream after usage arrived: priced with the provider's own price", async () => {
    // A server reporting usage on every chunk (vLLM's continuous usage stats).
    const slow = await server({
      replies: [stalling(["Bon", "jour"], wireUsage(1_000_000, 1_000_000))],
    });
    const file = config({ box: { baseUrl: slow.baseUrl, input: 0.5, output: 1 } });
    const controller = ctrlC();
    const run = await cli(["chat", "--config", file, "--provider", "box", "hi"], {
      signal: controller.signal,
      onOutput: (stdout) => stdout.includes("Bonjour") && controller.abort(),
    });
    expect(run.stderr).toBe(
      "\nloom-llm: interrupted; spent $1.500000 on 1 answer (1 interrupted)\n",
    );
    expect(run.code).toBe(130);
  });

  it("chat --watch: the runs so far, then the run cut short", async () => {
    const priced = await server({
      replies: [
        textStream(["Sea."], { usage: wireUsage(1_000_000, 1_000_000) }),
        stalling(["Moun"]),
      ],
    });
    const file = config({ box: { baseUrl: priced.baseUrl, input: 0.5, output: 1 } });
    const prompt = join(dir, "prompt.md");
    writeFileSync(prompt, "Describe the sea.");
    const controller = ctrlC();
    let saved = false;
    const run = await cli(
      ["chat", "--config", file, "--provider", "box", "--prompt-file", prompt, "--watch"],
      {
        signal: controller.signal,
        onOutput: (stdout, stderr) => {
          if (!saved && stderr.includes("Ctrl-C to stop")) {
            saved = true;
            // Saved once this write returns: the CLI starts watching right after it.
            setTimeout(() => writeFileSync(prompt, "Describe the mountains."), 0);
          }
          if (stdout.includes("Moun")) controller.abort();
        },
      },
    );
    expect(run.stderr).toContain(
      `watching ${prompt}; so far spent $1.500000 on 1 answer; Ctrl-C to stop\n`,
    );
    expect(run.stderr).toMatch(
      /\nloom-llm: interrupted; spent \$1\.500000 on 2 answers \(1 interrupted, cost unknown\)\n$/,
    );
    expect(run.code).toBe(130);
  });

  it("chat --watch: a save mid-edit (a variable not given yet, the file deleted and written again) is said, and watched on", async () => {
    const answers = await server({ replies: [textStream(["Sea."]), textStream(["Hills."])] });
    const prompt = join(dir, "edited.md");
    writeFileSync(prompt, "Describe the {{place}}.");
    const controller = ctrlC();
    let step = 0;
    const run = await cli(
      [
        "chat",
        "--base-url",
        answers.baseUrl,
        "--prompt-file",
        prompt,
        "--var",
        "place=sea",
        "--watch",
      ],
      {
        signal: controller.signal,
        onOutput: (stdout, stderr) => {
          if (step === 0 && stderr.includes("Ctrl-C to stop")) {
            step = 1;
            setTimeout(() => writeFileSync(prompt, "Describe the {{missing}}."), 0);
          }
          if (step === 1 && stderr.includes("watching for the next save")) {
            step = 2;
            setTimeout(() => {
              rmSync(prompt);
              setTimeout(() => writeFileSync(prompt, "Describe the {{place}} hills."), 300);
            }, 0);
          }
          if (stdout.includes("Hills.")) controller.abort();
        },
      },
    );
    expect(run.stderr).toContain("no value for {{missing}}");
    expect(run.stderr).toContain("watching for the next save");
    expect(run.stdout).toContain("Sea.");
    expect(run.stdout).toContain("Hills.");
    expect(answers.requests).toHaveLength(2);
    expect(run.code).toBe(130);
  });

  it("chat --watch waiting for a save: the runs so far, unknown cost never $0", async () => {
    const prompt = join(dir, "wait.md");
    writeFileSync(prompt, "Describe the sea.");
    const controller = ctrlC();
    const run = await cli(["chat", "--offline", "--prompt-file", prompt, "--watch"], {
      signal: controller.signal,
      onOutput: (_, stderr) => stderr.includes("Ctrl-C to stop") && controller.abort(),
    });
    expect(run.stderr).toContain(
      `watching ${prompt}; so far spent an unknown amount on 1 answer; Ctrl-C to stop\n`,
    );
    expect(run.stderr).toMatch(/\nloom-llm: interrupted; spent an unknown amount on 1 answer\n$/);
    expect(run.code).toBe(130);
  });

  it("chat --watch --json: one document a line, what changed on stderr, the end one line more", async () => {
    const prompt = join(dir, "lines.md");
    writeFileSync(prompt, "Describe the sea.");
    const controller = ctrlC();
    let waits = 0;
    const run = await cli(["chat", "--offline", "--prompt-file", prompt, "--watch", "--json"], {
      signal: controller.signal,
      onOutput: (_, stderr) => {
        const seen = stderr.split("Ctrl-C to stop").length - 1;
        if (seen === waits) return;
        waits = seen;
        if (waits === 1) setTimeout(() => writeFileSync(prompt, "Describe the hills."), 0);
        else controller.abort();
      },
    });
    expect(run.code).toBe(130);
    const lines = run.stdout.trimEnd().split("\n");
    const documents = lines.map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(documents.map((d) => String(d.content ?? "").includes("hills"))).toEqual([
      false,
      true,
      false,
    ]);
    expect(documents[2]).toEqual({
      error: expect.objectContaining({ name: "Interrupted", exitCode: 130 }),
    });
    expect(run.stderr).toContain("changed:");
  });

  it("compare: the finished answers, and each stream still in flight", async () => {
    const fast = await server({
      fallback: textStream(["fine"], { usage: wireUsage(500_000, 1_000_000) }),
    });
    const slow = await server({ replies: [stalling(["sl"])] });
    const file = config({
      fast: { baseUrl: fast.baseUrl, input: 0.1, output: 0.2 },
      slow: { baseUrl: slow.baseUrl, input: 0.1, output: 0.2 },
    });
    const controller = ctrlC();
    let stdout = "";
    const running = cli(["compare", "--config", file, "--provider", "fast,slow", "hi"], {
      signal: controller.signal,
      onOutput: (out) => {
        stdout = out;
      },
    });
    await until(
      () => stdout.includes("── fast ──") && slow.requests.length === 1,
      "the fast answer and the slow request",
    );
    controller.abort();
    const run = await running;
    expect(run.stderr).toBe(
      "\nloom-llm: interrupted; spent $0.200000 on 2 answers (1 interrupted, cost unknown)\n",
    );
    expect(run.code).toBe(130);
  });

  it("replay: the turns replayed, and the one cut short", async () => {
    const transcript = join(dir, "two-turns.jsonl");
    const entry = (content: string) =>
      JSON.stringify({
        request: {
          method: "POST",
          path: "/v1/chat/completions",
          headers: {},
          body: { model: "deepseek-chat", messages: [{ role: "user", content }] },
        },
        response: { status: 200, headers: {}, body: JSON.stringify(completionBody()) },
      });
    writeFileSync(transcript, `${entry("one")}\n${entry("two")}\n`);
    const target = await server({
      replies: [
        {
          type: "json",
          body: completionBody({ usage: wireUsage(1_000_000, 1_000_000) }),
        },
        { type: "hang" },
      ],
    });
    const file = config({ box: { baseUrl: target.baseUrl, input: 0.5, output: 1 } });
    const controller = ctrlC();
    let stdout = "";
    const running = cli(["replay", transcript, "--config", file, "--provider", "box"], {
      signal: controller.signal,
      onOutput: (out) => {
        stdout = out;
      },
    });
    await until(
      () => stdout.includes("turn 1 of 2") && target.requests.length === 2,
      "the first turn and the second request",
    );
    controller.abort();
    const run = await running;
    expect(run.stderr).toBe(
      "\nloom-llm: interrupted; spent $1.500000 on 2 answers (1 interrupted, cost unknown)\n",
    );
    expect(run.code).toBe(130);
  });

  it("a real SIGINT to the built binary mid-stream: exit 130, what was spent", async () => {
    const slow = await server({ replies: [stalling(["Bon"])] });
    const run = builtCli(["chat", "--base-url", slow.baseUrl, "hi"], "ignore");
    await until(() => run.output.stdout.includes("Bon"), "the first words of the answer");
    run.process.kill("SIGINT");
    expect(await run.exited).toBe(130);
    expect(run.output.stderr).toBe(
      "\nloom-llm: interrupted; spent an unknown amount on 1 answer (1 interrupted, cost unknown)\n",
    );
  });

  it.each([
    ["SIGTERM", 143],
    ["SIGHUP", 129],
  ] as const)(
    "a real %s mid-stream ends as Ctrl-C does: exit %i, what was spent",
    async (name, status) => {
      const slow = await server({ replies: [stalling(["Bon"])] });
      const run = builtCli(["chat", "--base-url", slow.baseUrl, "hi"], "ignore");
      await until(() => run.output.stdout.includes("Bon"), "the first words of the answer");
      run.process.kill(name);
      expect(await run.exited).toBe(status);
      expect(run.output.stderr).toBe(
        "\nloom-llm: interrupted; spent an unknown amount on 1 answer (1 interrupted, cost unknown)\n",
      );
    },
  );

  it("a real SIGINT while the prompt is read from standard input: exit 130 at once, nothing asked", async () => {
    const never = await server({ replies: [stalling(["never"])] });
    // Standard input open and silent, as a terminal waiting for the prompt is.
    const run = builtCli(["chat", "--base-url", never.baseUrl, "-"], "pipe");
    // Its signal handler is set once the module has loaded: give it a moment, then interrupt.
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    run.process.kill("SIGINT");
    expect(await run.exited).toBe(130);
    expect(run.output.stderr).toContain("loom-llm: interrupted");
    expect(never.requests).toHaveLength(0);
  });

  it("a reader that goes away (| head): a quiet exit, no stack trace", async () => {
    const long = await server({
      replies: [stalling(Array.from({ length: 50 }, () => "word ".repeat(2_000)))],
    });
    const run = builtCli(["chat", "--base-url", long.baseUrl, "hi"], "ignore");
    // The first bytes read, then the pipe closed, as `head -c 100` does.
    await until(() => run.output.stdout !== "", "the first bytes of the answer");
    run.process.stdout?.destroy();
    expect(await run.exited).toBe(0);
    expect(run.output.stderr).not.toContain("EPIPE");
    expect(run.output.stderr).not.toContain("Unhandled");
  });
});

describe("an output that cannot be written", () => {
  it("stdout on a full disk (/dev/full): one line on stderr, exit 74, no stack trace", async () => {
    const answer = await server({ replies: [textStream(["an answer"])] });
    const main = fileURLToPath(new URL("../dist/main.js", import.meta.url));
    const full = openSync("/dev/full", "w");
    try {
      const started = spawn(process.execPath, [main, "chat", "--base-url", answer.baseUrl, "hi"], {
        stdio: ["ignore", full, "pipe"],
      });
      child = started;
      let stderr = "";
      started.stderr?.on("data", (data: Buffer) => {
        stderr += data.toString();
      });
      const code = await new Promise<number | null>((resolve) => started.once("exit", resolve));
      expect(stderr).toMatch(
        /(^|\n)loom-llm: cannot write to standard output: ENOSPC: no space left on device, write\n$/,
      );
      expect(stderr).not.toMatch(/\n\s+at /);
      expect(code).toBe(74);
    } finally {
      closeSync(full);
    }
  });
});

describe("an error mid-answer is said as Ctrl-C is", () => {
  /** A stream that sends `pieces` (the first with `usage`, when given), then an error event. */
  function failing(pieces: string[], usage?: ReturnType<typeof wireUsage>) {
    return {
      type: "sse" as const,
      done: false,
      events: [
        ...pieces.map((content, i) =>
          completionChunk({ content }, i === 0 && usage ? { usage } : {}),
        ),
        { event: "error", data: JSON.stringify({ error: { message: "upstream failed" } }) },
      ],
    };
  }

  it("chat: the answer's line ended, then the error and what was spent (unknown)", async () => {
    const broken = await server({ replies: [failing(["partial"])] });
    const run = await cli(["chat", "--base-url", broken.baseUrl, "hi"]);
    expect(run.stdout).toBe("partial\n");
    expect(run.stderr).toMatch(
      /^loom-llm: [^\n]*upstream failed[^\n]*; spent an unknown amount on 1 answer \(1 cut short by an error, cost unknown\)\n$/,
    );
    expect(run.code).toBe(4);
  });

  it("chat: usage reported before the error is priced; an answer ending its line gets no other", async () => {
    const broken = await server({
      replies: [failing(["line\n"], wireUsage(1_000_000, 1_000_000))],
    });
    const file = config({ box: { baseUrl: broken.baseUrl, input: 0.5, output: 1 } });
    const run = await cli(["chat", "--config", file, "--provider", "box", "hi"]);
    expect(run.stdout).toBe("line\n");
    expect(run.stderr).toMatch(/; spent \$1\.500000 on 1 answer \(1 cut short by an error\)\n$/);
    expect(run.code).toBe(4);
  });

  it("chat: an error before any text says no spending", async () => {
    const refused = await server({ replies: [{ type: "error", status: 400, body: "bad" }] });
    const run = await cli(["chat", "--base-url", refused.baseUrl, "hi"]);
    expect(run.stdout).toBe("");
    expect(run.stderr).not.toContain("spent");
    expect(run.code).toBe(4);
  });
});

/** The built binary run as a user runs it, what it writes collected, ended after the test. */
function builtCli(args: string[], stdin: "pipe" | "ignore") {
  const main = fileURLToPath(new URL("../dist/main.js", import.meta.url));
  const started = spawn(process.execPath, [main, ...args], { stdio: [stdin, "pipe", "pipe"] });
  child = started;
  const output = { stdout: "", stderr: "" };
  started.stdout?.on("data", (data: Buffer) => {
    output.stdout += data.toString();
  });
  started.stderr?.on("data", (data: Buffer) => {
    output.stderr += data.toString();
  });
  const exited = new Promise<number | null>((resolve) => started.once("exit", resolve));
  return { process: started, output, exited };
}
