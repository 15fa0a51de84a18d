import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { completionBody, createFakeServer } from "@loom/llm-testing";
import { ConfigError } from "@loom/llm-types";
import { describe, expect, it } from "vitest";
import { createProviderFromConfig } from "../create-provider.js";
import { resolveFromConfig } from "../resolve-provider.js";
import { loadProjectConfig, loadProjectConfigSync } from "./load-project-config.js";
import { parseProjectConfig } from "./parse-project-config.js";

const SEED = `[llm.deepseek]
base_url = "https://api.deepseek.com/v1"
model = "deepseek-chat"
api_key_env = "DEEPSEEK_API_KEY"
temperature = 0.7
max_tokens = 8192
`;

const quiet = { logger: { warn: () => {} } };

function configError(text: string): ConfigError {
  try {
    parseProjectConfig(text, "loom.toml", quiet);
  } catch (error) {
    if (ConfigError.isInstance(error)) return error;
    throw error;
  }
  throw new Error("expected a ConfigError");
}

describe("parseProjectConfig: valid files", () => {
  it("reads the README's example verbatim", () => {
    const project = parseProjectConfig(SEED);
    expect(project.source).toBe("loom.toml");
    expect(project.llm.deepseek).toEqual({
      baseUrl: "https://api.deepseek.com/v1",
      model: "deepseek-chat",
      apiKeyEnv: "DEEPSEEK_API_KEY",
      temperature: 0.7,
      maxTokens: 8192,
    });
  });

  it("reads every key, custom providers, headers and prices; ignores other tools' tables", () => {
    const project = parseProjectConfig(`
[agent]
name = "researcher"

[llm.openai]
model = "gpt-4.1-mini"
timeout_ms = 60000
max_retries = 4

[llm.vllm]
base_url = "http://gpu-box.internal:8000/v1"
model = "Qwen/Qwen2.5-7B-Instruct"
top_p = 0.9
stream_usage = false
max_concurrency = 8
input_per_mtok = 0.05
output_per_mtok = 0.1

[llm.vllm.headers]
X-Team = "agents"
`);
    expect(project.llm.openai).toEqual({ model: "gpt-4.1-mini", timeoutMs: 60_000, maxRetries: 4 });
    expect(project.llm.vllm).toEqual({
      baseUrl: "http://gpu-box.internal:8000/v1",
      model: "Qwen/Qwen2.5-7B-Instruct",
      topP: 0.9,
      streamUsage: false,
      maxConcurrency: 8,
      headers: { "X-Team": "agents" },
      price: { inputPerMtok: 0.05, outputPerMtok: 0.1 },
    });
  });

  it("reads a rate limit as the config's rateLimit", () => {
    const project = parseProjectConfig(
      `[llm.deepseek]\nrate_limit = { requests_per_minute = 500, tokens_per_minute = 200000 }\n`,
      "loom.toml",
      quiet,
    );
    expect(project.llm.deepseek?.rateLimit).toEqual({
      requestsPerMinute: 500,
      tokensPerMinute: 200_000,
    });
  });

  it("reads protocol, the wire protocol the server speaks", () => {
    const project = parseProjectConfig(
      `[llm.box]\nbase_url = "http://localhost:8000/v1"\nmodel = "m"\nprotocol = "openai-chat"\n`,
    );
    expect(project.llm.box?.protocol).toBe("openai-chat");
  });

  it("an empty file has no tables", () => {
    expect(parseProjectConfig("").llm).toEqual({});
  });

  it("accepts a literal api_key but warns once", () => {
    const warnings: string[] = [];
    const text = `[llm.gw]\nbase_url = "https://gw.example.com/v1"\nmodel = "m"\napi_key = "sk-literal-0123456789"\n`;
    const logger = { warn: (m: string) => warnings.push(m) };
    const project = parseProjectConfig(text, "warn-once.toml", { logger });
    parseProjectConfig(text, "warn-once.toml", { logger });
    expect(project.llm.gw?.apiKey).toBe("sk-literal-0123456789");
    expect(warnings).toEqual([
      'warn-once.toml [llm.gw]: api_key holds a literal key; keys belong in the environment (api_key_env = "VAR")',
    ]);
    expect(warnings.join()).not.toContain("sk-literal");
  });
});

describe("parseProjectConfig: each bad file names file, table and key", () => {
  it("a TOML syntax error, with line and column", () => {
    const error = configError(`[llm.deepseek]\nmodel = "deepseek-chat"\ntemperature = = 0.7\n`);
    expect(error.message).toMatch(/^loom\.toml:3:15: invalid TOML: /);
    expect(error.file).toBe("loom.toml");
  });

  it.each<[string, string, string]>([
    [
      "an unknown key, with did you mean",
      `[llm.deepseek]\ntemprature = 0.7\n`,
      'llm.deepseek.temprature: unknown key (did you mean "temperature"?)',
    ],
    [
      "camelCase instead of snake_case",
      `[llm.deepseek]\nmaxTokens = 5\n`,
      'llm.deepseek.maxTokens: unknown key (did you mean "max_tokens"?)',
    ],
    ["an unrelated key", `[llm.deepseek]\ncolour = "red"\n`, "llm.deepseek.colour: unknown key"],
    [
      "a wrong type",
      `[llm.deepseek]\ntemperature = "hot"\n`,
      'llm.deepseek.temperature: must be a number between 0 and 2, got the string "hot"',
    ],
    [
      "a value out of range",
      `[llm.openai]\nmax_tokens = -5\n`,
      "llm.openai.max_tokens: must be a positive integer, got -5",
    ],
    [
      "a custom table without base_url",
      `[llm.mine]\nmodel = "m"\n`,
      "llm.mine.base_url: is required for a custom provider",
    ],
    [
      "a custom table without model",
      `[llm.mine]\nbase_url = "https://x.example/v1"\n`,
      "llm.mine.model: is required for a custom provider",
    ],
    [
      "a bad base_url",
      `[llm.mine]\nbase_url = "localhost:8000"\nmodel = "m"\n`,
      'llm.mine.base_url: must be an http(s) URL, got "localhost:8000"',
    ],
    [
      "a header with a newline",
      `[llm.deepseek.headers]\nX-A = "a\\nb"\n`,
      "llm.deepseek.headers.X-A: header values must not contain CR, LF or NUL characters",
    ],
    [
      "a negative price",
      `[llm.local]\ninput_per_mtok = -1\noutput_per_mtok = 1\n`,
      "llm.local.input_per_mtok: must be a non-negative number (USD per million tokens), got -1",
    ],
    [
      "a price as text",
      `[llm.local]\ninput_per_mtok = "0.5"\noutput_per_mtok = 1\n`,
      'llm.local.input_per_mtok: must be a non-negative number (USD per million tokens), got the string "0.5"',
    ],
    [
      "a price without its output rate",
      `[llm.local]\ninput_per_mtok = 1\n`,
      "llm.local.output_per_mtok: is required when a table sets prices",
    ],
    [
      "a provider that is not a table",
      `[llm]\ndeepseek = "fast"\n`,
      "llm.deepseek: must be a table ([llm.NAME])",
    ],
    [
      "a rate limit that is not a positive integer",
      `[llm.deepseek]\nrate_limit = { requests_per_minute = 0.5 }\n`,
      "llm.deepseek.rate_limit.requests_per_minute: must be a positive integer, got 0.5",
    ],
    [
      "a misspelt rate limit",
      `[llm.deepseek]\nrate_limit = { request_per_minute = 5 }\n`,
      'llm.deepseek.rate_limit.request_per_minute: unknown key (did you mean "requests_per_minute"?)',
    ],
    [
      "a literal key over plain http",
      `[llm.mine]\nbase_url = "http://llm.example.com/v1"\nmodel = "m"\napi_key = "sk-0123456789abcdef"\n`,
      "llm.mine.base_url: refusing to send the API key over plain http:// to llm.example.com; use https:// or set allowInsecureHttp: true (in loom.toml: allow_insecure_http = true)",
    ],
  ])("%s", (_name, text, line) => {
    const error = configError(text);
    expect(error.message).toContain(`  - ${line}`);
    expect(error.message).toMatch(/^Invalid LLM config in loom\.toml/);
    expect(error.message).not.toMatch(/ZodError|at .*\.js/);
  });

  it("a protocol it does not speak names the ones it does, masked like any value", () => {
    const error = configError(`[llm.deepseek]\nprotocol = "anthropic"\n`);
    expect(error.issues).toEqual([
      {
        path: "llm.deepseek.protocol",
        message:
          'must be one of "openai-chat", "anthropic-messages" or "openai-responses", got "anthropic"',
      },
    ]);
    expect(error.message).toBe(
      'Invalid LLM config in loom.toml [llm.deepseek]:\n  - llm.deepseek.protocol: must be one of "openai-chat", "anthropic-messages" or "openai-responses", got "anthropic"',
    );
    const key = "sk-live-0123456789abcdefSECRET";
    const pasted = configError(`[llm.deepseek]\nprotocol = "${key}"\n`);
    expect(pasted.issues[0]?.path).toBe("llm.deepseek.protocol");
    expect(pasted.message).not.toContain(key);
    expect(pasted.message).not.toContain("0123456789abcdef");
  });

  it("reports every problem of every table at once", () => {
    const error = configError(`[llm.a]\nmodel = "m"\n[llm.deepseek]\ntemperature = 5\n`);
    expect(error.issues.map((i) => i.path)).toEqual(["llm.a.base_url", "llm.deepseek.temperature"]);
    expect(error.table).toBeUndefined();
  });

  it("names the table when only one is wrong", () => {
    expect(configError(`[llm.deepseek]\ntemperature = 5\n`).message).toMatch(
      /^Invalid LLM config in loom\.toml \[llm\.deepseek\]:/,
    );
  });
});

describe("loadProjectConfig", () => {
  const dir = mkdtempSync(join(tmpdir(), "loom-toml-"));
  const file = join(dir, "loom.toml");
  writeFileSync(file, SEED);

  it("reads a file, async and sync", async () => {
    expect((await loadProjectConfig(file)).llm.deepseek?.model).toBe("deepseek-chat");
    expect(loadProjectConfigSync(file).llm.deepseek?.maxTokens).toBe(8192);
  });

  it("a missing file names the resolved path", async () => {
    const missing = join(dir, "nope", "loom.toml");
    await expect(loadProjectConfig(missing)).rejects.toThrow(
      `${missing} not found (looked at ${resolve(missing)})`,
    );
    expect(() => loadProjectConfigSync("relative/loom.toml")).toThrow(
      `relative/loom.toml not found (looked at ${resolve("relative/loom.toml")})`,
    );
  });

  it("where the runtime has no file system (a browser, a Worker): a ConfigError naming parseProjectConfig", async () => {
    const saved = Object.getOwnPropertyDescriptor(process, "getBuiltinModule");
    Object.defineProperty(process, "getBuiltinModule", { value: undefined, configurable: true });
    let sync: unknown;
    let async: Promise<unknown>;
    try {
      try {
        loadProjectConfigSync(file);
      } catch (error) {
        sync = error;
      }
      // The file system is looked for before the first await: the stub is needed only here.
      async = loadProjectConfig(file);
    } finally {
      if (saved === undefined) Reflect.deleteProperty(process, "getBuiltinModule");
      else Object.defineProperty(process, "getBuiltinModule", saved);
    }
    const message = `${file} cannot be read: this runtime has no file system (node:fs)`;
    expect(sync).toBeInstanceOf(ConfigError);
    expect((sync as Error).message).toContain(message);
    expect((sync as Error).message).toContain("parseProjectConfig");
    await expect(async).rejects.toThrow(message);
  });
});

describe("fromConfig resolution", () => {
  it("a preset table overrides the preset; the key comes from api_key_env", () => {
    const project = parseProjectConfig(SEED);
    const { config } = resolveFromConfig(
      { env: { DEEPSEEK_API_KEY: "sk-ds-0123456789abcd" } },
      "deepseek",
      project,
    );
    expect(config).toMatchObject({
      provider: "deepseek",
      baseUrl: "https://api.deepseek.com/v1",
      model: "deepseek-chat",
      temperature: 0.7,
      maxTokens: 8192,
      apiKey: "sk-ds-0123456789abcd",
    });
  });

  it("a missing key names the variable, the file and the table", () => {
    const project = parseProjectConfig(SEED, "config/loom.toml");
    expect(() => resolveFromConfig({ env: {} }, "deepseek", project)).toThrow(
      'deepseek: No API key for provider "deepseek" ([llm.deepseek] in config/loom.toml): set the DEEPSEEK_API_KEY environment variable',
    );
  });

  it("a preset the file has no table for: a missing key names the variable, and no table", () => {
    const project = parseProjectConfig(SEED, "config/loom.toml");
    expect(() => resolveFromConfig({ env: {} }, "openai", project)).toThrow(
      /^openai: No API key for provider "openai": set the OPENAI_API_KEY environment variable$/,
    );
  });

  it("a custom table with api_key_env needs that variable", () => {
    const project = parseProjectConfig(
      `[llm.gw]\nbase_url = "https://gw.example.com/v1"\nmodel = "m"\napi_key_env = "GW_KEY"\n`,
    );
    expect(() => resolveFromConfig({ env: {} }, "gw", project)).toThrow(
      "set the GW_KEY environment variable",
    );
    expect(
      resolveFromConfig({ env: { GW_KEY: "k-0123456789abcdef" } }, "gw", project).config.apiKey,
    ).toBe("k-0123456789abcdef");
  });

  it("api_key_env beside the header its key is sent in: refused when the file is read, in its words", () => {
    const error = configError(
      `[llm.gw]\nbase_url = "https://gw.example.com/v1"\nmodel = "m"\napi_key_env = "GW_KEY"\n[llm.gw.headers]\nAuthorization = "Bearer gw-secret-token"\n`,
    );
    expect(error.issues).toEqual([
      {
        path: "llm.gw.headers.Authorization",
        message:
          "the key that api_key_env names is sent in this header and would replace it: set one of them, not both",
      },
    ]);
    expect(error.message).not.toContain("gw-secret-token");
    // Anthropic's wire (the table's, or its preset's) sends the key in x-api-key.
    expect(
      configError(
        `[llm.anthropic]\napi_key_env = "K"\n[llm.anthropic.headers]\nX-Api-Key = "gw-secret-token"\n`,
      ).issues.map((issue) => issue.path),
    ).toEqual(["llm.anthropic.headers.X-Api-Key"]);
    for (const fine of [
      `[llm.anthropic]\napi_key_env = "K"\n[llm.anthropic.headers]\nAuthorization = "Bearer gw"\n`,
      `[llm.gw]\nbase_url = "https://gw.example.com/v1"\nmodel = "m"\n[llm.gw.headers]\nAuthorization = "Bearer gw"\n`,
      `[llm.openai]\n[llm.openai.headers]\nAuthorization = "Bearer gw"\n`,
    ])
      expect(() => parseProjectConfig(fine, "loom.toml", quiet)).not.toThrow();
  });

  it("a name with neither table nor preset lists both", () => {
    const project = parseProjectConfig(SEED);
    expect(() => resolveFromConfig({ env: {} }, "nope", project)).toThrow(
      'No [llm.nope] table in loom.toml and no preset named "nope". Tables: deepseek; presets: deepseek, openai, local',
    );
  });

  it("a custom provider from loom.toml answers, priced by its table", async () => {
    const server = await createFakeServer({
      replies: [
        {
          type: "json",
          body: completionBody({
            usage: { prompt_tokens: 1e6, completion_tokens: 1e6, total_tokens: 2e6 },
          }),
        },
      ],
    });
    const project = parseProjectConfig(
      `[llm.box]\nbase_url = "${server.baseUrl}"\nmodel = "llama3"\ninput_per_mtok = 0.5\noutput_per_mtok = 1.5\n`,
    );
    const llm = createProviderFromConfig(undefined, "box", project);
    const res = await llm.call({ messages: [{ role: "user", content: "hi" }] });
    expect(server.lastJson()).toMatchObject({ model: "llama3" });
    expect(res.costUsd).toBeCloseTo(2, 12);
    expect(res.provider).toBe("box");
    await llm.close();
    await server.close();
  });
});
