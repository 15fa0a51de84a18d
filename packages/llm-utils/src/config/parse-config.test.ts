import { inspect } from "node:util";
import { ConfigError, type LLMConfigInput } from "@loom/llm-types";
import { describe, expect, it } from "vitest";
import { CONFIG_DEFAULTS } from "./config-constants.js";
import { parseConfig } from "./parse-config.js";

const KEY = "sk-live-0123456789abcdefSECRET";

function configError(input: unknown, source?: { file?: string; table?: string }): ConfigError {
  try {
    parseConfig(input as LLMConfigInput, source);
  } catch (error) {
    if (ConfigError.isInstance(error)) return error;
    throw error;
  }
  throw new Error("expected a ConfigError");
}

describe("parseConfig: valid configs from the docs", () => {
  it("accepts the README's custom provider and fills defaults", () => {
    const config = parseConfig({
      baseUrl: "https://my-llm.example.com/v1",
      model: "my-model-v1",
      apiKey: "custom-key",
      temperature: 0.8,
      maxTokens: 4096,
      timeoutMs: 30_000,
    });
    expect({ ...config }).toEqual({
      baseUrl: "https://my-llm.example.com/v1",
      model: "my-model-v1",
      provider: "custom",
      protocol: "openai-chat",
      temperature: 0.8,
      maxTokens: 4096,
      headers: {},
      timeoutMs: 30_000,
      streamIdleTimeoutMs: CONFIG_DEFAULTS.streamIdleTimeoutMs,
      maxRetries: 2,
      maxRetryDelayMs: 60_000,
      maxResponseBytes: 32 * 1024 * 1024,
      streamUsage: true,
      enforcesResponseFormat: true,
      allowInsecureHttp: false,
    });
    expect(config.apiKey).toBe("custom-key");
  });

  it.each<[string, LLMConfigInput]>([
    [
      "deepseek preset",
      {
        baseUrl: "https://api.deepseek.com/v1",
        model: "deepseek-chat",
        apiKey: KEY,
        provider: "deepseek",
      },
    ],
    [
      "openai preset",
      {
        baseUrl: "https://api.openai.com/v1",
        model: "gpt-4o-mini",
        apiKey: KEY,
        provider: "openai",
      },
    ],
    [
      "local vLLM without a key",
      { baseUrl: "http://localhost:8000/v1", model: "qwen2.5-0.5b-instruct" },
    ],
    [
      "local server with a key on loopback",
      { baseUrl: "http://127.0.0.1:8080/v1", model: "tiny", apiKey: KEY },
    ],
    [
      "IPv6 loopback with a key",
      { baseUrl: "http://[::1]:11434/v1", model: "llama3", apiKey: KEY },
    ],
    [
      "LAN server, insecure allowed",
      { baseUrl: "http://gpu-box:8000/v1", model: "m", apiKey: KEY, allowInsecureHttp: true },
    ],
    [
      "every option",
      {
        baseUrl: "https://gw.example.com/v1",
        model: "m",
        apiKey: KEY,
        provider: "gw",
        temperature: 0,
        maxTokens: 1,
        topP: 1,
        headers: { "X-Route": "eu" },
        timeoutMs: 1,
        streamIdleTimeoutMs: 5,
        maxRetries: 0,
        maxRetryDelayMs: 0,
        maxConcurrency: 16,
        maxConnections: 4,
        maxResponseBytes: 1024,
        streamUsage: false,
        allowInsecureHttp: false,
      },
    ],
    [
      "temperature at the top of its range",
      { baseUrl: "https://x.example/v1", model: "m", temperature: 2 },
    ],
  ])("accepts %s", (_name, input) => {
    const config = parseConfig(input);
    expect(config.model).toBe(input.model);
    expect(config.baseUrl).toBe(input.baseUrl);
  });

  it("strips trailing slashes so paths join cleanly", () => {
    expect(parseConfig({ baseUrl: "https://api.deepseek.com/v1//", model: "m" }).baseUrl).toBe(
      "https://api.deepseek.com/v1",
    );
  });

  it("returns a frozen config", () => {
    const config = parseConfig({ baseUrl: "https://x.example/v1", model: "m" });
    expect(Object.isFrozen(config)).toBe(true);
  });
});

describe("parseConfig: each bad value is named with its reason", () => {
  const base = { baseUrl: "https://x.example/v1", model: "m" };
  it.each<[string, Record<string, unknown>, string, string]>([
    ["temperature above 2", { temperature: 3 }, "temperature", "must be between 0 and 2, got 3"],
    [
      "negative temperature",
      { temperature: -0.1 },
      "temperature",
      "must be between 0 and 2, got -0.1",
    ],
    [
      "temperature as text",
      { temperature: "hot" },
      "temperature",
      'must be a number between 0 and 2, got the string "hot"',
    ],
    [
      "a limit as text",
      { rateLimit: { requestsPerMinute: "5" } },
      "rateLimit.requestsPerMinute",
      'must be a positive integer, got the string "5"',
    ],
    ["topP above 1", { topP: 1.5 }, "topP", "must be between 0 and 1, got 1.5"],
    [
      "fractional maxTokens",
      { maxTokens: 10.5 },
      "maxTokens",
      "must be a positive integer, got 10.5",
    ],
    ["negative maxTokens", { maxTokens: -1 }, "maxTokens", "must be a positive integer, got -1"],
    ["zero timeout", { timeoutMs: 0 }, "timeoutMs", "must be a positive integer, got 0"],
    [
      "negative retries",
      { maxRetries: -1 },
      "maxRetries",
      "must be a non-negative integer, got -1",
    ],
    [
      "NaN retries",
      { maxRetries: Number.NaN },
      "maxRetries",
      "must be a non-negative integer, got NaN",
    ],
    [
      "ftp base URL",
      { baseUrl: "ftp://x.example" },
      "baseUrl",
      'must be an http(s) URL, got "ftp://x.example"',
    ],
    ["relative base URL", { baseUrl: "/v1" }, "baseUrl", 'must be an http(s) URL, got "/v1"'],
    [
      "credentials in the URL",
      { baseUrl: "https://u:p@x.example/v1" },
      "baseUrl",
      "must not contain credentials; use apiKey or headers",
    ],
    ["empty model", { model: "" }, "model", "must be a model name, got an empty string"],
    ["missing model", { model: undefined }, "model", "is required"],
    [
      "header value with CRLF",
      { headers: { "X-A": "a\r\nInjected: 1" } },
      "headers.X-A",
      "header values must not contain CR, LF or NUL characters",
    ],
    [
      "header name with a space",
      { headers: { "X A": "1" } },
      "headers.X A",
      "is not a valid header name",
    ],
    [
      "streamUsage as text",
      { streamUsage: "yes" },
      "streamUsage",
      'must be true or false, got "yes"',
    ],
    [
      "misspelt key",
      { temprature: 0.5 },
      "temprature",
      'unknown key (did you mean "temperature"?)',
    ],
    ["snake_case key", { max_tokens: 5 }, "max_tokens", 'unknown key (did you mean "maxTokens"?)'],
    ["unrelated key", { colour: "red" }, "colour", "unknown key"],
  ])("rejects %s", (_name, patch, path, message) => {
    const error = configError({ ...base, ...patch });
    expect(error.issues).toContainEqual({ path, message });
    expect(error.message).toContain(`${path}: ${message}`);
    expect(error.retryable).toBe(false);
  });

  it("lists every bad key at once", () => {
    const error = configError({ ...base, temperature: 3, maxTokens: -1, timeoutMs: "x" });
    expect(error.issues.map((i) => i.path)).toEqual(["temperature", "maxTokens", "timeoutMs"]);
    expect(error.message).toBe(
      [
        "m: Invalid LLM config:",
        "  - temperature: must be between 0 and 2, got 3",
        "  - maxTokens: must be a positive integer, got -1",
        '  - timeoutMs: must be a positive integer, got the string "x"',
      ].join("\n"),
    );
  });

  it("names the file, table, provider and model when given", () => {
    const error = configError(
      { ...base, provider: "deepseek", model: "deepseek-chat", temperature: 9 },
      { file: "loom.toml", table: "deepseek" },
    );
    expect(error.message).toMatch(
      /^deepseek\/deepseek-chat: Invalid LLM config in loom\.toml \[llm\.deepseek\]:/,
    );
    expect(error.file).toBe("loom.toml");
    expect(error.table).toBe("deepseek");
  });

  it("a key pasted into provider or model is masked in the message and the fields", () => {
    for (const field of ["provider", "model"] as const) {
      const error = configError({ ...base, apiKey: KEY, [field]: KEY, temperature: 9 });
      for (const text of [error.message, String(error.provider), String(error.model)])
        expect(text).not.toContain(KEY);
    }
  });

  it("a key pasted into a value an issue quotes is masked there", () => {
    for (const bad of [
      { temperature: `hot ${KEY}` },
      { baseUrl: `not a url ${KEY}` },
      { timeoutMs: `${KEY} ms` },
      { headers: { authorization: `Bearer ${KEY}x`, "x-org": `${KEY}x\u00a0` } },
    ]) {
      const error = configError({ ...base, apiKey: KEY, ...bad });
      expect(error.issues.length).toBeGreaterThan(0);
      for (const text of [error.message, JSON.stringify(error.issues), String(error)])
        expect(text).not.toContain(KEY);
    }
  });

  it("refuses a key over plain http to a host that is not loopback", () => {
    const error = configError({ baseUrl: "http://llm.example.com/v1", model: "m", apiKey: KEY });
    expect(error.issues).toEqual([
      {
        path: "baseUrl",
        message:
          "refusing to send the API key over plain http:// to llm.example.com; use https:// or set allowInsecureHttp: true (in loom.toml: allow_insecure_http = true)",
      },
    ]);
  });

  it("allows plain http to a remote host when no key is sent", () => {
    expect(parseConfig({ baseUrl: "http://llm.example.com/v1", model: "m" }).baseUrl).toBe(
      "http://llm.example.com/v1",
    );
  });

  it.each([
    ["empty", "", "must not be empty; omit it instead"],
    ["a number", 12345, "must be a string"],
    ["with a newline inside", `${KEY}\nX`, "the key must not contain CR, LF or NUL characters"],
    [
      "pasted with a trailing ellipsis",
      `${KEY}\u2026`,
      `the key must be visible ASCII; found U+2026 at character ${KEY.length + 1} (a copy-paste artifact such as "…" or a non-breaking space?)`,
    ],
    ["with a space inside", "sk-abc def-0123456789", "the key must not contain spaces"],
    [
      "a whole header value",
      `Bearer ${KEY}`,
      'the key must not begin with "Bearer ": give the key alone, the client adds the scheme',
    ],
    ["wrapped in double quotes", `"${KEY}"`, "the key is wrapped in quotes: give it without them"],
    [
      "wrapped in single quotes",
      ` '${KEY}'\n`,
      "the key is wrapped in quotes: give it without them",
    ],
  ])("rejects an API key that is %s without echoing it", (_name, apiKey, message) => {
    const error = configError({ ...base, apiKey });
    expect(error.issues).toEqual([{ path: "apiKey", message }]);
    expect(error.message).not.toContain(KEY);
    expect(error.message).not.toContain("12345");
  });
});

describe("parseConfig: protocol", () => {
  const base = { baseUrl: "https://x.example/v1", model: "m" };

  it("defaults to openai-chat and accepts each protocol", () => {
    expect(parseConfig(base).protocol).toBe("openai-chat");
    expect(CONFIG_DEFAULTS.protocol).toBe("openai-chat");
    for (const protocol of ["openai-chat", "anthropic-messages", "openai-responses"] as const)
      expect(parseConfig({ ...base, protocol }).protocol).toBe(protocol);
  });

  it.each([
    [
      "another protocol",
      "anthropic",
      'must be one of "openai-chat", "anthropic-messages" or "openai-responses", got "anthropic"',
    ],
    [
      "a number",
      1,
      'must be one of "openai-chat", "anthropic-messages" or "openai-responses", got 1',
    ],
    [
      "an empty string",
      "",
      'must be one of "openai-chat", "anthropic-messages" or "openai-responses", got ""',
    ],
  ])("refuses %s, naming the accepted values", (_name, protocol, message) => {
    const error = configError({ ...base, protocol });
    expect(error.issues).toEqual([{ path: "protocol", message }]);
  });
});

describe("parseConfig: a key copied with its line break", () => {
  const base = { baseUrl: "https://x.example/v1", model: "m" };
  it.each([
    ["LF", `${KEY}\n`],
    ["CRLF", `${KEY}\r\n`],
    ["spaces and a tab", ` ${KEY}\t `],
  ])("trailing %s is dropped: the key is the key", (_name, apiKey) => {
    expect(parseConfig({ ...base, apiKey }).apiKey).toBe(KEY);
  });
});

describe("parseConfig: the key never shows when the config is printed", () => {
  const config = parseConfig({
    baseUrl: "https://api.deepseek.com/v1",
    model: "deepseek-chat",
    apiKey: KEY,
    headers: { "X-Api-Key": "gateway-secret-0123456789", "X-Route": "eu" },
  });

  it.each([
    ["JSON.stringify", () => JSON.stringify(config)],
    ["util.inspect", () => inspect(config)],
    ["util.inspect nested", () => inspect({ llm: { config } }, { depth: 5 })],
    ["util.inspect showHidden", () => inspect(config, { showHidden: true })],
    ["String", () => String(config)],
  ])("%s hides it", (_name, print) => {
    const text = print();
    expect(text).not.toContain(KEY);
    expect(text).not.toContain("SECRET");
    expect(text).not.toContain("gateway-secret");
  });

  it.each([
    ["a spread", () => JSON.stringify({ ...config })],
    ["Object.keys", () => Object.keys(config).join(",")],
    ["Object.entries", () => JSON.stringify(Object.entries(config))],
  ])("%s leaves the key out", (_name, print) => {
    expect(print()).not.toContain(KEY);
  });

  it("shows the key redacted where the config is shown", () => {
    expect(JSON.parse(JSON.stringify(config))).toMatchObject({
      apiKey: "sk-live-…CRET",
      headers: { "X-Api-Key": "…6789", "X-Route": "eu" },
    });
    expect(inspect(config)).toContain("sk-live-…CRET");
  });

  it("still lets the client read the key", () => {
    expect(config.apiKey).toBe(KEY);
  });
});

describe("parseConfig: hostile values", () => {
  const base = { baseUrl: "https://api.example.com/v1", model: "m" };
  it.each([
    ["timeoutMs", 2 ** 31],
    ["streamIdleTimeoutMs", 3_000_000_000],
    ["maxRetryDelayMs", Number.MAX_SAFE_INTEGER],
  ])("%s over Node's timer limit is refused, not overflowed to 1 ms", (key, value) => {
    const error = configError({ ...base, [key]: value });
    expect(error.issues).toEqual([
      { path: key, message: `must be at most 2147483647 ms (about 24.8 days), got ${value}` },
    ]);
  });

  it("a header value with a non-ASCII character names the header and the character, not the value", () => {
    const error = configError({ ...base, headers: { "x-api-key": "k-0123456789\u00a0" } });
    expect(error.issues[0]?.path).toBe("headers.x-api-key");
    expect(error.issues[0]?.message).toContain("found U+00A0 at character 13");
    expect(error.message).not.toContain("k-0123456789");
  });

  it.each([
    ["ftp with user:key@", "ftp://user:sk-secret-0123456789@host/v1"],
    ["unparseable, with user:key@", "http//user:sk-secret-0123456789@host"],
  ])("a bad baseUrl (%s) is quoted with its credentials masked", (_name, baseUrl) => {
    const error = configError({ ...base, baseUrl });
    expect(error.message).toContain("must be an http(s) URL");
    expect(error.message).not.toContain("sk-secret-0123456789");
  });

  it("a baseUrl with a key in its query prints masked", () => {
    const config = parseConfig({
      ...base,
      baseUrl:
        "https://x.openai.azure.com/openai/deployments/d?api-version=2024-10-21&api-key=azure-secret-0123456789",
    });
    for (const text of [JSON.stringify(config), inspect(config)]) {
      expect(text).not.toContain("azure-secret-0123456789");
      expect(text).toContain("api-version=2024-10-21&api-key=…");
    }
  });
});
