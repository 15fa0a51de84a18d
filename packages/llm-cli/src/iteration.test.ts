// Prompt iteration from the terminal, in process: any server without a file, compare, prompt
// files with variables, replay of a recorded conversation.
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { completionBody, createFakeServer, textStream, wireUsage } from "@loom/llm-testing";
import { describe, expect, it } from "vitest";
import { cli } from "./cli.fixture.js";
import { recordedExchange, transcriptOf } from "./recorded-exchange.fixture.js";

const dir = mkdtempSync(join(tmpdir(), "loom-iterate-"));

describe("any server, no file", () => {
  it("--base-url, --api-key-env and --header reach the server; the key never shows", async () => {
    const server = await createFakeServer({ replies: [textStream(["O", "K"])] });
    const run = await cli(
      [
        "chat",
        "--base-url",
        server.baseUrl,
        "--api-key-env",
        "MY_KEY",
        "--header",
        "X-Team=research",
        "hi",
      ],
      { env: { MY_KEY: "sk-mine-0123456789abcdef" } },
    );
    expect(run.code).toBe(0);
    expect(run.stdout).toBe("OK\n");
    const request = server.lastRequest;
    expect(request?.headers.authorization).toBe("Bearer sk-mine-0123456789abcdef");
    expect(request?.headers["x-team"]).toBe("research");
    expect(server.lastJson().model).toBe("default");
    expect(run.stderr).not.toContain("0123456789abcdef");
    await server.close();
  });

  it("--api-key-env naming an unset variable, a malformed --header: clear errors, the value never echoed", async () => {
    const unset = await cli([
      "chat",
      "--base-url",
      "http://127.0.0.1:9/v1",
      "--api-key-env",
      "NOPE",
      "hi",
    ]);
    expect(unset.code).toBe(3);
    expect(unset.stderr).toContain("--api-key-env NOPE: that variable is not set");
    const header = await cli([
      "chat",
      "--offline",
      "--header",
      "Authorization: Bearer sk-secret-123456",
      "hi",
    ]);
    expect(header.code).toBe(2);
    expect(header.stderr).toContain("--header takes NAME=VALUE");
    expect(header.stderr).not.toContain("sk-secret");
  });
});

describe("compare", () => {
  it("two models answer the same prompt: a section each, then one table", async () => {
    const run = await cli([
      "compare",
      "--offline",
      "--model",
      "small,large",
      "Name",
      "a",
      "colour",
    ]);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain("── offline · small ──");
    expect(run.stdout).toContain("── offline · large ──");
    expect(run.stdout).toContain('You asked: "Name a colour"');
    expect(run.stdout).toMatch(
      /provider · model\s+first token\s+total\s+tokens in\s+tokens out\s+cost\s+finish/,
    );
    expect(run.stdout).toMatch(/offline · small\s+\d+ ms\s+\d+ ms\s+\d+\s+\d+\s+unknown\s+stop/);
    // Unknown is never summed as $0.
    expect(run.stderr).toBe("spent an unknown amount on 2 answers\n");
    // No terminal: no colour, no progress lines.
    expect(run.stdout).not.toContain("\u001b[");
    expect(run.stderr).not.toContain("asking");
  });

  it("--runs 3 --json: every run, for scripts", async () => {
    const run = await cli([
      "compare",
      "--offline",
      "--model",
      "a,b",
      "--runs",
      "3",
      "--json",
      "hi",
    ]);
    const result = JSON.parse(run.stdout) as { label: string; runs: { finishReason: string }[] }[];
    expect(result.map((c) => [c.label, c.runs.length])).toEqual([
      ["offline · a", 3],
      ["offline · b", 3],
    ]);
    expect(result[0]?.runs[0]?.finishReason).toBe("stop");
  });

  it("providers priced from loom.toml: costs in the table, a failing one reported in its place", async () => {
    const good = await createFakeServer({
      fallback: textStream(["fine"], { usage: wireUsage(500_000, 1_000_000) }),
    });
    const config = join(dir, "compare.toml");
    writeFileSync(
      config,
      `[llm.cheap]\nbase_url = "${good.baseUrl}"\nmodel = "c"\ninput_per_mtok = 0.1\noutput_per_mtok = 0.2\n\n[llm.down]\nbase_url = "http://127.0.0.1:9/v1"\nmodel = "d"\nmax_retries = 0\n`,
    );
    const run = await cli([
      "compare",
      "--config",
      config,
      "--provider",
      "cheap,down",
      "hi",
      "--runs",
      "2",
    ]);
    // The table, then the exit status of an API error: a script tells a partial comparison.
    expect(run.code).toBe(4);
    expect(run.stderr).toContain("loom-llm: 1 of 2 contenders failed");
    expect(run.stdout).toMatch(/cheap \(fake-model\)\s+\d+ ms( \(\d+ ms–\d+ ms\))?\s/);
    // Figures the same in every run are given once; the runs are counted.
    expect(run.stdout).toMatch(/\s1000000\s+500000\s+\$0\.200000\s+stop\s+2\n/);
    expect(run.stdout).toContain("$0.200000");
    expect(run.stdout).toMatch(/── down ──\nConnectionError/);
    expect(run.stdout).toMatch(/down\s+failed/);
    await good.close();
  });

  it("--json with a failing contender: the table is the only JSON document", async () => {
    const config = join(dir, "compare-json.toml");
    writeFileSync(
      config,
      `[llm.down]\nbase_url = "http://127.0.0.1:9/v1"\nmodel = "d"\nmax_retries = 0\n`,
    );
    const run = await cli([
      "compare",
      "--config",
      config,
      "--provider",
      "down",
      "--model",
      "d1,d2",
      "--json",
      "hi",
    ]);
    expect(run.code).toBe(4);
    expect(run.stderr).toContain("every contender failed");
    const table = JSON.parse(run.stdout) as { label: string; error?: string }[];
    expect(table.map((c) => [c.label, c.error?.split(":")[0]])).toEqual([
      ["down · d1", "ConnectionError"],
      ["down · d2", "ConnectionError"],
    ]);
  });

  it.each([
    [["compare", "--offline", "hi"], "compare needs two or more"],
    [["compare", "--offline", "--provider", "a,b", "--model", "c,d", "hi"], "not both"],
    [
      ["compare", "--offline", "--model", "a,b", "--runs", "0", "hi"],
      "--runs must be a whole number",
    ],
  ])("usage errors: %j", async (argv, message) => {
    const run = await cli(argv);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(message);
  });
});

describe("prompt files", () => {
  it("--prompt-file and --system-file with {{variables}} filled by --var", async () => {
    const server = await createFakeServer({ fallback: { type: "json", body: completionBody() } });
    const prompt = join(dir, "prompt.md");
    const system = join(dir, "system.md");
    writeFileSync(prompt, "Translate {{ text }} into {{lang}}.");
    writeFileSync(system, "You translate into {{lang}}.");
    const run = await cli([
      "chat",
      "--base-url",
      server.baseUrl,
      "--no-stream",
      "--prompt-file",
      prompt,
      "--system-file",
      system,
      "--var",
      "text=good morning",
      "--var",
      "lang=Italian",
    ]);
    expect(run.code).toBe(0);
    expect(server.lastJson().messages).toEqual([
      { role: "system", content: "You translate into Italian." },
      { role: "user", content: "Translate good morning into Italian." },
    ]);
    const missing = await cli(["chat", "--offline", "--prompt-file", prompt, "--var", "lang=x"]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain("no value for {{text}}: add --var text=…");
    const both = await cli(["chat", "--offline", "--prompt-file", prompt, "words"]);
    expect(both.stderr).toContain("not both");
    expect((await cli(["chat", "--offline", "--watch", "hi"])).stderr).toContain(
      "--watch needs a --prompt-file",
    );
    await server.close();
  });
});

describe("replay", () => {
  it("re-runs a recorded conversation against another model, with the differences", async () => {
    const transcript = join(dir, "transcript.jsonl");
    const entry = (messages: object[], response: string) =>
      JSON.stringify({
        request: {
          method: "POST",
          path: "/v1/chat/completions",
          headers: {},
          body: { model: "deepseek-chat", messages },
        },
        response: { status: 200, headers: {}, body: response },
      });
    const chunk = (content: string, usage?: object) =>
      `data: ${JSON.stringify({ choices: [{ index: 0, delta: { content } }], ...(usage ? { usage } : {}) })}\n\n`;
    writeFileSync(
      transcript,
      [
        entry(
          [{ role: "user", content: "Capital of France?" }],
          JSON.stringify({
            choices: [
              { index: 0, message: { role: "assistant", content: "Paris is the capital." } },
            ],
            usage: { prompt_tokens: 1_000_000, completion_tokens: 1_000_000 },
          }),
        ),
        entry(
          [
            { role: "user", content: "Capital of France?" },
            { role: "assistant", content: "Paris is the capital." },
            { role: "user", content: "And of Italy?" },
          ],
          `${chunk("Rome, ")}${chunk("of course.", { prompt_tokens: 10, completion_tokens: 3 })}data: [DONE]\n\n`,
        ),
        "",
      ].join("\n"),
    );
    const server = await createFakeServer({
      replies: [
        { type: "json", body: completionBody({ content: "Paris is the capital city." }) },
        { type: "json", body: completionBody({ content: "Rome, of course." }) },
      ],
    });
    const run = await cli(["replay", transcript, "--base-url", server.baseUrl, "--model", "other"]);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain("── turn 1 of 2 ── deepseek-chat → fake-model");
    expect(run.stdout).toContain("Paris is the [-capital.-]{+capital city.+}");
    expect(run.stdout).toContain("tokens 1000000+1000000 → 10+5, cost $0.700000 → unknown\n");
    expect(run.stdout).not.toContain("cost cost");
    expect(run.stdout).toContain("── turn 2 of 2 ──");
    expect(run.stdout).toContain("Rome, of course.");
    expect(server.requests[1]?.body).toMatchObject({
      model: "other",
      messages: [
        { role: "user", content: "Capital of France?" },
        { role: "assistant", content: "Paris is the capital." },
        { role: "user", content: "And of Italy?" },
      ],
    });
    // deepseek-chat's price: $0.70 for the first turn, $0.000004 for the second.
    // The replayed model has no price: its cost is unknown, not $0.
    expect(run.stderr).toBe(
      "2 turns replayed: recorded $0.700004 on 2 answers, replayed an unknown amount on 2 answers\n",
    );
    const bad = await cli(["replay", join(dir, "missing.jsonl"), "--offline"]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("cannot read");
    await server.close();
  });

  it("--json: a turn that fails is given in its place, after the turns already paid for", async () => {
    const transcript = join(dir, "failing.jsonl");
    const entry = (content: string) =>
      recordedExchange(
        "/v1/chat/completions",
        { model: "deepseek-chat", messages: [{ role: "user", content }] },
        completionBody({ content: `${content}!` }),
      );
    writeFileSync(transcript, transcriptOf(entry("one"), entry("two"), entry("three")));
    const server = await createFakeServer({
      replies: [
        { type: "json", body: completionBody({ content: "One." }) },
        { type: "error", status: 401, body: { error: { message: "bad key" } } },
      ],
    });
    const run = await cli(["replay", transcript, "--base-url", server.baseUrl, "--json"]);
    expect(run.code).toBe(4);
    const turns = JSON.parse(run.stdout) as {
      turn: number;
      replayed?: { content: string };
      error?: { name: string; status: number };
    }[];
    expect(turns.map((t) => [t.turn, t.replayed?.content, t.error?.status])).toEqual([
      [1, "One.", undefined],
      [2, undefined, 401],
    ]);
    expect(server.requests).toHaveLength(2);
    await server.close();
  });
});
