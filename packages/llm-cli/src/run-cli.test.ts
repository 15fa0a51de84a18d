import { execFile } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { completionBody, createFakeServer, textStream } from "@loom/llm-testing";
import { describe, expect, it } from "vitest";
import { cli } from "./cli.fixture.js";

const dir = mkdtempSync(join(tmpdir(), "loom-cli-"));

describe("loom-llm", () => {
  it("--help and no arguments print the usage", async () => {
    const help = await cli(["--help"]);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain("loom-llm chat [PROMPT | -] [options]");
    expect((await cli([])).stdout).toBe(help.stdout);
  });

  it("--version prints the package version", async () => {
    expect((await cli(["--version"])).stdout).toMatch(/^\d+\.\d+\.\d+\n$/);
  });

  it.each([
    [["bogus"], 'unknown command "bogus"'],
    [["chat", "--temperature", "hot", "x"], '--temperature must be a number, got "hot"'],
    [["chat", "--offline", "--max-tokens", "0", "x"], "--max-tokens must be"],
    [["playground", "--offline", "--history", ""], "--history needs a file's path"],
    [["chat", "--offline", "--temperature", "3", "x"], "--temperature must be between 0 and 2"],
    [["chat", "--offline", "--timeout", "0.5", "x"], "--timeout must be"],
    [["chat", "--nope"], "Unknown option '--nope'"],
    [["chat", "--offline"], "no prompt"],
  ])("usage errors exit 2: %j", async (argv, message) => {
    const run = await cli(argv);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(message);
  });

  it("with no key and no config, explains how to set one up (exit 3)", async () => {
    const run = await cli(["chat", "hello"]);
    expect(run.code).toBe(3);
    expect(run.stderr).toContain("export DEEPSEEK_API_KEY=sk-...");
    expect(run.stderr).toContain("--offline");
  });

  it("--offline streams an answer from the built-in fake server", async () => {
    const run = await cli(["chat", "--offline", "what", "is", "loom?"]);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('You asked: "what is loom?"');
    expect(run.stderr).toMatch(
      /^\[local offline\] \d+ prompt \+ \d+ completion tokens, cost unknown, [\d.]+ s\n$/,
    );
  });

  it.each(["anthropic-messages", "openai-responses"])(
    "--offline --protocol %s: the same answer in that protocol, streamed and whole",
    async (protocol) => {
      const streamed = await cli([
        "chat",
        "--offline",
        "--protocol",
        protocol,
        "what",
        "is",
        "loom?",
      ]);
      expect(streamed.code).toBe(0);
      expect(streamed.stdout).toContain('You asked: "what is loom?"');
      expect(streamed.stderr).toMatch(/\[local offline\] \d+ prompt \+ \d+ completion tokens/);
      const whole = await cli(["chat", "--offline", "--protocol", protocol, "--json", "hello"]);
      expect(whole.code).toBe(0);
      const response = JSON.parse(whole.stdout);
      expect(response.content).toContain('You asked: "hello"');
      expect(response.message.native.protocol).toBe(protocol);
    },
  );

  it("--protocol with an unknown name is a usage error naming the accepted ones", async () => {
    const run = await cli(["chat", "--offline", "--protocol", "anthropic", "hi"]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(
      '--protocol must be one of openai-chat, anthropic-messages, openai-responses, got "anthropic"',
    );
  });

  it("reads the prompt from stdin, and --json prints the whole response", async () => {
    const run = await cli(["chat", "--offline", "--json"], { stdin: "piped question\n" });
    expect(run.code).toBe(0);
    const response = JSON.parse(run.stdout);
    expect(response.content).toContain('You asked: "piped question"');
    expect(response.usage.reported).toBe(true);
  });

  it("talks to a loom.toml provider, with --system and --model, and prices it", async () => {
    const server = await createFakeServer({
      replies: [
        textStream(["Bon", "jour"], {
          usage: {
            prompt_tokens: 1_000_000,
            completion_tokens: 1_000_000,
            total_tokens: 2_000_000,
          },
        }),
      ],
    });
    const config = join(dir, "loom.toml");
    writeFileSync(
      config,
      `[llm.box]\nbase_url = "${server.baseUrl}"\nmodel = "llama3"\napi_key_env = "BOX_KEY"\ninput_per_mtok = 0.5\noutput_per_mtok = 1\n`,
    );
    const run = await cli(
      [
        "chat",
        "--config",
        config,
        "--provider",
        "box",
        "--model",
        "llama3.2",
        "--system",
        "Be French.",
        "Hello",
      ],
      { env: { BOX_KEY: "box-secret-0123456789" } },
    );
    expect(run.stdout).toBe("Bonjour\n");
    expect(run.stderr).toMatch(
      /^\[box fake-model\] 1000000 prompt \+ 1000000 completion tokens, \$1\.500000, [\d.]+ s\n$/,
    );
    expect(server.lastJson()).toMatchObject({
      model: "llama3.2",
      messages: [
        { role: "system", content: "Be French." },
        { role: "user", content: "Hello" },
      ],
    });
    expect(server.lastRequest?.headers.authorization).toBe("Bearer box-secret-0123456789");
    await server.close();
  });

  it("an API error exits 4 and names the status", async () => {
    const server = await createFakeServer({
      replies: [{ type: "error", status: 401, body: { error: { message: "Invalid API key" } } }],
    });
    const config = join(dir, "bad-key.toml");
    writeFileSync(config, `[llm.box]\nbase_url = "${server.baseUrl}"\nmodel = "m"\n`);
    const run = await cli(["chat", "--config", config, "--no-stream", "hi"]);
    expect(run.code).toBe(4);
    expect(run.stderr).toContain("API error 401");
    await server.close();
  });

  it("--json: a failure is JSON on stdout too, typed and masked, beside stderr's line", async () => {
    const key = "box-secret-0123456789";
    const server = await createFakeServer({
      replies: [
        {
          type: "error",
          status: 429,
          headers: { "retry-after": "7", "x-request-id": "req_42" },
          body: { error: { message: `Slow down, ${key}`, type: "rate_limit", code: "busy" } },
        },
      ],
    });
    const config = join(dir, "json-failure.toml");
    writeFileSync(
      config,
      `[llm.box]\nbase_url = "${server.baseUrl}"\nmodel = "m"\napi_key_env = "BOX_KEY"\nmax_retries = 0\n`,
    );
    const run = await cli(["chat", "--config", config, "--json", "hi"], {
      env: { BOX_KEY: key },
    });
    expect(run.code).toBe(4);
    expect(run.stderr).toContain("API error 429");
    const { error } = JSON.parse(run.stdout) as { error: Record<string, unknown> };
    expect(error).toMatchObject({
      name: "RateLimitError",
      exitCode: 4,
      status: 429,
      type: "rate_limit",
      code: "busy",
      retryable: true,
      retryAfterMs: 7000,
      requestId: "req_42",
      provider: "box",
      model: "m",
    });
    expect(run.stderr).toContain(String(error.message));
    expect(run.stdout + run.stderr).not.toContain(key);
    await server.close();
  });

  it.each([
    [["chat", "--json", "--temperature", "hot", "x"], 2, "--temperature must be a number"],
    [["chat", "--json", "x"], 3, "no provider configured"],
    [["chat", "--json=yes", "x"], 2, "--json"],
  ])("--json: %j fails as JSON (exit %i)", async (argv, code, message) => {
    const run = await cli(argv);
    expect(run.code).toBe(code);
    const { error } = JSON.parse(run.stdout) as { error: { exitCode: number; message: string } };
    expect(error.exitCode).toBe(code);
    expect(error.message).toContain(message);
    // Without --json, stdout stays empty on a failure.
    expect((await cli(argv.filter((a) => !a.startsWith("--json")))).stdout).toBe("");
  });

  it("--header Authorization beside a configured key is refused, never replaced unsaid", async () => {
    const server = await createFakeServer({ fallback: textStream(["hi"]) });
    const config = join(dir, "header-key.toml");
    writeFileSync(
      config,
      `[llm.box]\nbase_url = "${server.baseUrl}"\nmodel = "m"\napi_key_env = "BOX_KEY"\n`,
    );
    const argv = ["chat", "--config", config, "--header", "Authorization=Bearer gw-token-1", "hi"];
    const refused = await cli(argv, { env: { BOX_KEY: "box-secret-0123456789" } });
    expect(refused.code).toBe(3);
    expect(refused.stderr).toContain("headers.Authorization");
    expect(refused.stderr).toContain("would replace it");
    expect(refused.stderr).not.toContain("gw-token-1");
    expect(server.requests).toHaveLength(0);
    // A preset's own key variable yields to the header: the header is the credential.
    const preset = await cli(
      [
        "chat",
        "--provider",
        "openai",
        "--base-url",
        server.baseUrl,
        "--header",
        "Authorization=Bearer gw-token-2",
        "hi",
      ],
      { env: { OPENAI_API_KEY: "sk-openai-0123456789abcdef" } },
    );
    expect(preset.code).toBe(0);
    expect(server.lastRequest?.headers.authorization).toBe("Bearer gw-token-2");
    // Without a key, the header is the credential, and is sent as given.
    const sent = await cli([
      "chat",
      "--base-url",
      server.baseUrl,
      "--header",
      "Authorization=Bearer gw-token-1",
      "hi",
    ]);
    expect(sent.code).toBe(0);
    expect(server.lastRequest?.headers.authorization).toBe("Bearer gw-token-1");
    await server.close();
  });

  it("--json after -- is a word of the prompt: a usage error prints no JSON", async () => {
    const run = await cli(["chat", "hi", "--bogus", "--", "--json"]);
    expect(run.code).toBe(2);
    expect(run.stdout).toBe("");
  });

  it("--json: a config error lists its issues", async () => {
    const config = join(dir, "json-config.toml");
    writeFileSync(config, `[llm.box]\nbase_url = "ftp://x"\nmodel = "m"\ntemprature = 1\n`);
    const run = await cli(["chat", "--config", config, "--json", "hi"]);
    expect(run.code).toBe(3);
    const { error } = JSON.parse(run.stdout) as { error: { issues: { path: string }[] } };
    expect(error.issues.map((issue) => issue.path)).toEqual(
      expect.arrayContaining([
        expect.stringContaining("base_url"),
        expect.stringContaining("temprature"),
      ]),
    );
  });

  it("Ctrl-C aborts the stream and exits 130", async () => {
    const server = await createFakeServer({
      replies: [{ type: "sse", events: [completionBody({ content: "x" }), { delayMs: 10_000 }] }],
    });
    const config = join(dir, "slow.toml");
    writeFileSync(config, `[llm.slow]\nbase_url = "${server.baseUrl}"\nmodel = "m"\n`);
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 100);
    const started = performance.now();
    const run = await cli(["chat", "--config", config, "hi"], { signal: controller.signal });
    expect(run.code).toBe(130);
    expect(run.stderr).toContain("interrupted");
    expect(performance.now() - started).toBeLessThan(2_000);
    await server.close();
  });

  it("providers lists presets and tables, keys redacted", async () => {
    const config = join(dir, "providers.toml");
    writeFileSync(
      config,
      `[llm.deepseek]\nmodel = "deepseek-reasoner"\n\n[llm.ollama]\nbase_url = "http://localhost:11434/v1"\nmodel = "llama3.2"\n\n[llm.azure]\nbase_url = "https://x.openai.azure.com/openai/deployments/d?api-version=1&api-key=azure-0123456789abcd"\nmodel = "gpt-4o"\n`,
    );
    const run = await cli(["providers", "--config", config], {
      // A blank variable is unset, and one read with its line break is the key without it.
      env: {
        DEEPSEEK_API_KEY: "sk-listed-0123456789abcd\r\n",
        OPENAI_API_KEY: "  \n",
        // Keys the client refuses are said so, with why, never shown.
        GROQ_API_KEY: '"gsk_abc0123456789xyz"',
        MISTRAL_API_KEY: "Bearer sk-abc0123456789xyz",
      },
    });
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(
      /deepseek\s+preset \+ .*providers\.toml\s+https:\/\/api\.deepseek\.com\/v1\s+deepseek-reasoner\s+set \(DEEPSEEK_API_KEY: …abcd\)/,
    );
    expect(run.stdout).toMatch(
      /openai\s+preset\s+https:\/\/api\.openai\.com\/v1\s+gpt-4o-mini\s+missing: set OPENAI_API_KEY/,
    );
    expect(run.stdout).toMatch(
      /ollama\s+.*providers\.toml\s+http:\/\/localhost:11434\/v1\s+llama3\.2\s+none needed/,
    );
    expect(run.stdout).toMatch(
      /vllm\s+preset\s+http:\/\/localhost:8000\/v1\s+\S+\s+none needed \(or set VLLM_API_KEY\)/,
    );
    for (const name of ["xai", "gemini", "anthropic", "openrouter"])
      expect(run.stdout).toMatch(new RegExp(`^${name}\\s+preset\\s+https://.*missing: set `, "m"));
    expect(run.stdout).toContain("api-version=1&api-key=…");
    expect(run.stdout).not.toContain("\r");
    expect(run.stdout).toMatch(
      /groq\s+preset\s+\S+\s+\S+\s+refused \(GROQ_API_KEY\): the key is wrapped in quotes: give it without them/,
    );
    expect(run.stdout).toMatch(
      /mistral\s+.*refused \(MISTRAL_API_KEY\): the key must not begin with "Bearer "/,
    );
    expect(run.stdout).not.toContain("0123456789xyz");
    expect(run.stdout).not.toContain("0123456789abcd");
  });

  it("config check: OK, or the library's own errors (exit 3)", async () => {
    const good = join(dir, "good.toml");
    writeFileSync(good, `[llm.deepseek]\ntemperature = 0.7\n`);
    expect((await cli(["config", "check", good])).stdout).toBe(
      `${good}: OK, 1 provider table: deepseek (preset override)\n`,
    );
    const bad = join(dir, "bad.toml");
    writeFileSync(bad, `[llm.deepseek]\ntemprature = 0.7\n`);
    const run = await cli(["config", "check", bad]);
    expect(run.code).toBe(3);
    expect(run.stderr).toContain(
      'llm.deepseek.temprature: unknown key (did you mean "temperature"?)',
    );
    const missing = await cli(["config", "check", join(dir, "nope.toml")]);
    expect(missing.code).toBe(3);
    expect(missing.stderr).toContain("not found");
  });

  it("the built binary runs with node (shebang, exit status)", async () => {
    const bin = fileURLToPath(new URL("../dist/main.js", import.meta.url));
    const { stdout } = await promisify(execFile)(process.execPath, [bin, "--help"]);
    expect(stdout).toContain("Usage:");
    const failed = await promisify(execFile)(process.execPath, [bin, "bogus"]).catch(
      (e: { code: number }) => e,
    );
    expect((failed as { code: number }).code).toBe(2);
  });
});

describe("--timeout", () => {
  it("bounds the wait for an answer, per attempt: a server that never answers ends in seconds, said", async () => {
    const silent = await createFakeServer({ fallback: { type: "hang" } });
    try {
      const started = performance.now();
      const run = await cli(["chat", "--base-url", silent.baseUrl, "--timeout", "300", "hi"]);
      expect(run.code).toBe(4);
      expect(run.stderr).toContain("no response within 300 ms");
      // Three attempts of 300 ms and their waits, not three of the default 30 s.
      expect(performance.now() - started).toBeLessThan(10_000);
      const bad = await cli(["chat", "--base-url", silent.baseUrl, "--timeout", "soon", "hi"]);
      expect(bad.code).toBe(2);
      expect(bad.stderr).toContain('--timeout must be a number, got "soon"');
    } finally {
      await silent.close();
    }
  });
});
