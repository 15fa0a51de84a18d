// Where a run's prompt and system message come from: `-` means standard input, as in shell
// tools, wherever a prompt or an input file is expected.
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { completionBody, createFakeServer, type FakeServer } from "@loom/llm-testing";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { cli } from "./cli.fixture.js";

const dir = mkdtempSync(join(tmpdir(), "loom-prompt-"));
let server: FakeServer;
const controllers: AbortController[] = [];

beforeEach(async () => {
  server = await createFakeServer({ fallback: { type: "json", body: completionBody() } });
});

afterEach(async () => {
  for (const controller of controllers.splice(0)) controller.abort();
  await server.close();
});

/** The messages of each request the server received. */
const asked = () => server.requests.map((r) => (r.body as { messages: unknown }).messages);

describe("- reads standard input", () => {
  it("chat -: the prompt is stdin, not the text -", async () => {
    const run = await cli(["chat", "--base-url", server.baseUrl, "-"], {
      stdin: "What is 2 + 2?\n",
    });
    expect(run.code).toBe(0);
    expect(asked()).toEqual([[{ role: "user", content: "What is 2 + 2?" }]]);
  });

  it("compare -: every contender is asked what stdin holds", async () => {
    const run = await cli(["compare", "--base-url", server.baseUrl, "--model", "a,b", "-"], {
      stdin: "Name a colour.\n",
    });
    expect(run.code).toBe(0);
    expect(asked()).toEqual([
      [{ role: "user", content: "Name a colour." }],
      [{ role: "user", content: "Name a colour." }],
    ]);
  });

  it("--prompt-file - and --system-file -: stdin as the file, {{variables}} filled", async () => {
    const prompt = await cli(
      ["chat", "--base-url", server.baseUrl, "--prompt-file", "-", "--var", "lang=Italian"],
      { stdin: "Say hello in {{lang}}.\n" },
    );
    expect(prompt.code).toBe(0);
    const system = await cli(
      ["chat", "--base-url", server.baseUrl, "--system-file", "-", "--var", "lang=Italian", "hi"],
      { stdin: "Answer in {{lang}}." },
    );
    expect(system.code).toBe(0);
    expect(asked()).toEqual([
      [{ role: "user", content: "Say hello in Italian.\n" }],
      [
        { role: "system", content: "Answer in Italian." },
        { role: "user", content: "hi" },
      ],
    ]);
  });

  it("a - among other words is part of the sentence", async () => {
    const run = await cli(["chat", "--base-url", server.baseUrl, "5", "-", "3"]);
    expect(run.code).toBe(0);
    expect(asked()).toEqual([[{ role: "user", content: "5 - 3" }]]);
  });

  it.each([
    [
      ["--system-file", "-", "--prompt-file", "-"],
      "--system-file - and --prompt-file - would both read standard input",
    ],
    [
      ["--system-file", "-", "-"],
      "--system-file - and the prompt - would both read standard input",
    ],
    [
      ["--system-file", "-"],
      "--system-file - and the prompt (no words given) would both read standard input",
    ],
    [["-"], "no prompt: loom-llm chat"],
    [["--watch", "--prompt-file", "-"], "--watch needs a --prompt-file or --system-file to watch"],
  ])("usage errors, nothing sent: %j", async (argv, message) => {
    const run = await cli(["chat", "--base-url", server.baseUrl, ...argv], { stdin: "" });
    expect(run.stderr).toContain(message);
    expect(run.code).toBe(2);
    expect(server.requests).toHaveLength(0);
  });

  it("chat --watch with the prompt on stdin: every run asks it, read once", async () => {
    const system = join(dir, "system.md");
    writeFileSync(system, "Be brief.");
    const controller = new AbortController();
    controllers.push(controller);
    let saved = false;
    const run = await cli(
      ["chat", "--base-url", server.baseUrl, "--system-file", system, "--watch", "-"],
      {
        stdin: "Why is the sky blue?",
        signal: controller.signal,
        onOutput: (_, stderr) => {
          const watching = stderr.split("Ctrl-C to stop").length - 1;
          if (watching === 1 && !saved) {
            saved = true;
            // Saved once this write returns: the CLI starts watching right after it.
            setTimeout(() => writeFileSync(system, "Be very brief."), 0);
          }
          if (watching === 2) controller.abort();
        },
      },
    );
    expect(run.code).toBe(130);
    expect(asked()).toEqual([
      [
        { role: "system", content: "Be brief." },
        { role: "user", content: "Why is the sky blue?" },
      ],
      [
        { role: "system", content: "Be very brief." },
        { role: "user", content: "Why is the sky blue?" },
      ],
    ]);
  });
});

describe("input that is no prompt", () => {
  it("a binary file, an empty file, standard input past 64 MiB: usage errors, nothing asked", async () => {
    const binary = join(dir, "binary.bin");
    writeFileSync(binary, Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0x02, 0x00, 0x00, 0x41]));
    const empty = join(dir, "empty.md");
    writeFileSync(empty, "  \n");
    const bin = await cli(["chat", "--base-url", server.baseUrl, "--prompt-file", binary]);
    expect(bin.code).toBe(2);
    expect(bin.stderr).toContain(`--prompt-file ${binary} is not text`);
    const none = await cli(["chat", "--base-url", server.baseUrl, "--prompt-file", empty]);
    expect(none.code).toBe(2);
    expect(none.stderr).toContain(`--prompt-file ${empty} is empty`);
    const huge = await cli(["chat", "--base-url", server.baseUrl, "-"], {
      stdin: "y\n".repeat(33 * 1024 * 1024),
    });
    expect(huge.code).toBe(2);
    expect(huge.stderr).toContain("standard input is larger than 64 MiB");
    expect(server.requests).toHaveLength(0);
  });

  it.each([
    [
      "chat -",
      ["chat", "-"],
      "hello\u0000world",
      "standard input is not text (it holds a NUL byte",
    ],
    ["chat, no words", ["chat"], "\u007fELF\u0002\u0001\u0000\u0000", "standard input is not text"],
    ["compare -", ["compare", "--model", "a,b", "-"], "a\u0000b", "standard input is not text"],
    [
      "--system-file -",
      ["chat", "--system-file", "-", "hi"],
      "x\u0000",
      "--system-file - is not text",
    ],
  ])("a binary standard input (%s): a usage error, nothing sent", async (_, argv, stdin, said) => {
    const [command, ...rest] = argv as [string, ...string[]];
    const run = await cli([command, "--base-url", server.baseUrl, ...rest], { stdin });
    expect(run.stderr).toContain(said);
    expect(run.code).toBe(2);
    expect(server.requests).toHaveLength(0);
  });

  it("bytes that are not UTF-8, on standard input or in a file: a usage error, nothing sent", async () => {
    // "café" in Latin-1: sent, it would reach the model as "caf\uFFFD".
    const latin1 = Buffer.from([0x63, 0x61, 0x66, 0xe9, 0x0a]);
    const piped = await cli(["chat", "--base-url", server.baseUrl, "-"], { stdin: latin1 });
    expect(piped.stderr).toContain("standard input is not UTF-8 text");
    expect(piped.code).toBe(2);
    const file = join(dir, "latin1.md");
    writeFileSync(file, latin1);
    const named = await cli(["chat", "--base-url", server.baseUrl, "--prompt-file", file]);
    expect(named.stderr).toContain(`--prompt-file ${file} is not UTF-8 text`);
    expect(named.code).toBe(2);
    expect(server.requests).toHaveLength(0);
    // UTF-8 itself, accents and emoji, is sent as it is.
    const utf8 = await cli(["chat", "--base-url", server.baseUrl, "-"], { stdin: "café ☕\n" });
    expect(utf8.code).toBe(0);
    expect(asked()).toEqual([[{ role: "user", content: "café ☕" }]]);
  });
});
