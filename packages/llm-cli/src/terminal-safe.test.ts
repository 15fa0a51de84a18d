import { PassThrough } from "node:stream";
import { createFakeServer, textStream } from "@loom/llm-testing";
import { describe, expect, it } from "vitest";
import { runCli } from "./run-cli.js";
import { showControls, terminalSafe } from "./terminal-safe.js";

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
