import { inspect } from "node:util";
import type { ChatClient } from "@loom/llm-core";
import { completionBody, createFakeServer, type FakeServer, textStream } from "@loom/llm-testing";
import {
  BudgetExceededError,
  ConfigError,
  InvalidResponseError,
  type LLMContext,
  type ProtocolName,
} from "@loom/llm-types";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { z } from "zod";
import { parseProjectConfig } from "./config/parse-project-config.js";
import { CostTracker } from "./cost/cost-tracker.js";
import { createProvider, createProviderFromConfig } from "./create-provider.js";
import { getPreset, presetNames, registerProvider } from "./preset/presets.js";
import type { ProviderPreset } from "./preset/provider-preset.js";
import { ProviderRegistry } from "./preset/provider-registry.js";
import { resolvePreset } from "./resolve-provider.js";

const DEEPSEEK_KEY = "sk-deepseek-0123456789abcdef";
const OPENAI_KEY = "sk-openai-0123456789abcdef";
const env = { DEEPSEEK_API_KEY: DEEPSEEK_KEY, OPENAI_API_KEY: OPENAI_KEY };
const hello = { messages: [{ role: "user" as const, content: "hello" }] };

let server: FakeServer;
const open: ChatClient[] = [];
beforeAll(async () => {
  server = await createFakeServer();
});
afterAll(async () => {
  await Promise.all(open.map((p) => p.close()));
  await server.close();
});
beforeEach(() => server.reset());

/** A preset's provider pointed at the fake server (keeping the `/v1` path the presets use). */
function preset(
  name: string,
  ctx: LLMContext = { env },
  overrides: Record<string, unknown> = {},
): ChatClient {
  const llm = createProvider(ctx, name, { baseUrl: server.baseUrl, ...overrides });
  open.push(llm);
  return llm;
}

describe("presets", () => {
  it.each([
    ["deepseek", "https://api.deepseek.com/v1", "deepseek-chat", "DEEPSEEK_API_KEY", DEEPSEEK_KEY],
    ["openai", "https://api.openai.com/v1", "gpt-4o-mini", "OPENAI_API_KEY", OPENAI_KEY],
    ["local", "http://localhost:8000/v1", "qwen2.5-0.5b-instruct", undefined, undefined],
  ])(
    "%s resolves to its documented URL, model and key variable",
    (name, baseUrl, model, apiKeyEnv, apiKey) => {
      const { config } = resolvePreset({ env }, name);
      expect(config).toMatchObject({ provider: name, baseUrl, model, apiKeyEnv, apiKey });
    },
  );

  it.each([
    ["deepseek", "deepseek-chat", `Bearer ${DEEPSEEK_KEY}`],
    ["openai", "gpt-4o-mini", `Bearer ${OPENAI_KEY}`],
    ["local", "qwen2.5-0.5b-instruct", undefined],
  ])("%s sends the right request", async (name, model, authorization) => {
    server.enqueue(textStream(["ok"]));
    const llm = preset(name);
    for await (const _ of llm.stream(hello)) {
      // drain
    }
    const request = server.lastRequest;
    expect(request?.path).toBe("/v1/chat/completions");
    expect(request?.headers.authorization).toBe(authorization);
    expect(request?.body).toEqual({
      model,
      messages: hello.messages,
      stream: true,
      stream_options: { include_usage: true },
    });
  });

  it("reads the key from ctx.env, not process.env", () => {
    expect(() => createProvider({ env: {} }, "deepseek")).toThrow(ConfigError);
  });

  it.each([
    ["missing", {}],
    ["empty", { DEEPSEEK_API_KEY: "" }],
    ["blank", { DEEPSEEK_API_KEY: "  \r\n" }],
  ])("a %s key fails at construction naming the variable", (_name, ctxEnv) => {
    expect(() => createProvider({ env: ctxEnv }, "deepseek")).toThrow(
      'No API key for provider "deepseek": set the DEEPSEEK_API_KEY environment variable',
    );
  });

  it("local needs no key", () => {
    expect(() => open.push(createProvider({ env: {} }, "local"))).not.toThrow();
  });

  it("an unknown name lists the known ones", () => {
    expect(() => createProvider({ env }, "deepsek")).toThrow(
      'Unknown provider "deepsek" (did you mean "deepseek"?). Known providers: deepseek, openai, local',
    );
  });

  it("a header the key is sent in is the credential: the preset's variable is neither read nor required", async () => {
    const headers = { Authorization: "Bearer gw-token-0123456789" };
    for (const ctx of [{ env }, { env: {} }]) {
      const { config } = resolvePreset(ctx, "openai", { headers });
      expect(config.apiKey).toBeUndefined();
      expect(config.apiKeyEnv).toBeUndefined();
      server.enqueue({ type: "json", body: completionBody() });
      await preset("openai", ctx, { headers }).call(hello);
      expect(server.lastRequest?.headers.authorization).toBe("Bearer gw-token-0123456789");
    }
    // A key asked for by name beside it clashes: refused, the header named, no value shown.
    for (const overrides of [{ apiKeyEnv: "OPENAI_API_KEY" }, { apiKey: OPENAI_KEY }]) {
      const clash = () => preset("openai", { env }, { headers, ...overrides });
      expect(clash).toThrow(/headers\.Authorization: the API key is sent in this header/);
      expect(clash).not.toThrow(/gw-token/);
    }
    // Anthropic's key goes in x-api-key: an Authorization header is a gateway's, beside the key.
    const { config } = resolvePreset(
      { env: { ANTHROPIC_API_KEY: "sk-ant-0123456789" } },
      "openai",
      {
        protocol: "anthropic-messages",
        apiKeyEnv: "ANTHROPIC_API_KEY",
        headers,
      },
    );
    expect(config.apiKey).toBe("sk-ant-0123456789");
  });

  it("overrides win over the preset", async () => {
    server.enqueue({ type: "json", body: completionBody() });
    await preset("openai", { env }, { model: "gpt-4o", temperature: 0.1 }).call(hello);
    expect(server.lastRequest?.body).toMatchObject({ model: "gpt-4o", temperature: 0.1 });
  });
});

describe("OpenAI's wire rules", () => {
  it("maxTokens goes out as max_completion_tokens; other presets keep max_tokens", async () => {
    server.enqueue(
      { type: "json", body: completionBody() },
      { type: "json", body: completionBody() },
    );
    await preset("openai", { env }).call({ ...hello, maxTokens: 50 });
    expect(server.lastRequest?.body).toMatchObject({ max_completion_tokens: 50 });
    expect(server.lastRequest?.body).not.toHaveProperty("max_tokens");
    await preset("deepseek", { env }).call({ ...hello, maxTokens: 50 });
    expect(server.lastRequest?.body).toMatchObject({ max_tokens: 50 });
  });

  it.each(["o1", "o3-mini", "o4-mini-2025-04-16", "gpt-5", "gpt-5-mini"])(
    "%s, a reasoning model: sampling options dropped with one warning each",
    async (model) => {
      const warnings: string[] = [];
      const llm = preset("openai", { env, logger: { warn: (m) => warnings.push(m) } }, { model });
      server.enqueue({ type: "json", body: completionBody() });
      await llm.call({ ...hello, temperature: 0.2, topP: 0.5, maxTokens: 10 });
      expect(server.lastRequest?.body).toEqual({
        model,
        messages: hello.messages,
        max_completion_tokens: 10,
      });
      expect(warnings).toHaveLength(2);
    },
  );

  it("gpt-4o keeps its sampling options", async () => {
    server.enqueue({ type: "json", body: completionBody() });
    await preset("openai", { env }, { model: "gpt-4o" }).call({ ...hello, temperature: 0.3 });
    expect(server.lastRequest?.body).toMatchObject({ temperature: 0.3 });
  });
});

describe("DeepSeek's wire rules", () => {
  it("deepseek-reasoner: temperature and top_p are not sent, with one warning per option", async () => {
    const warnings: string[] = [];
    const llm = preset(
      "deepseek",
      { env, logger: { warn: (m) => warnings.push(m) } },
      { model: "deepseek-reasoner" },
    );
    server.enqueue(
      { type: "json", body: completionBody() },
      { type: "json", body: completionBody() },
    );
    await llm.call({ ...hello, temperature: 0.7, topP: 0.9, maxTokens: 100 });
    await llm.call({ ...hello, temperature: 0.7 });
    expect(server.lastRequest?.body).toEqual({
      model: "deepseek-reasoner",
      messages: hello.messages,
    });
    expect(server.requests[0]?.body).toEqual({
      model: "deepseek-reasoner",
      messages: hello.messages,
      max_tokens: 100,
    });
    expect(warnings).toEqual([
      'deepseek: deepseek-reasoner does not accept "temperature"; it was not sent',
      'deepseek: deepseek-reasoner does not accept "top_p"; it was not sent',
    ]);
  });

  it("deepseek-chat keeps its temperature", async () => {
    server.enqueue({ type: "json", body: completionBody() });
    await preset("deepseek").call({ ...hello, temperature: 0.7 });
    expect(server.lastRequest?.body).toMatchObject({ temperature: 0.7 });
  });

  const history = {
    messages: [
      { role: "user" as const, content: "q1" },
      { role: "assistant" as const, content: "a1", reasoningContent: "r1" },
      { role: "user" as const, content: "q2" },
      { role: "assistant" as const, content: "a2" },
      { role: "user" as const, content: "q3" },
    ],
  };
  const assistants = () =>
    (server.lastJson().messages as Record<string, unknown>[]).filter((m) => m.role === "assistant");

  it('thinking mode: every assistant turn carries reasoning_content, "" when it had none', async () => {
    server.enqueue({ type: "json", body: completionBody() });
    await preset("deepseek").call({ ...history, extraBody: { thinking: { type: "enabled" } } });
    expect(assistants()).toEqual([
      { role: "assistant", content: "a1", reasoning_content: "r1" },
      { role: "assistant", content: "a2", reasoning_content: "" },
    ]);
  });

  it("without thinking mode, and always for R1, earlier reasoning is not sent", async () => {
    server.enqueue(
      { type: "json", body: completionBody() },
      { type: "json", body: completionBody() },
    );
    await preset("deepseek").call(history);
    expect(assistants().every((m) => !("reasoning_content" in m))).toBe(true);
    await preset("deepseek", { env }, { model: "deepseek-reasoner" }).call({
      ...history,
      extraBody: { thinking: { type: "enabled" } },
    });
    expect(assistants().every((m) => !("reasoning_content" in m))).toBe(true);
  });

  it("json_schema is sent as json_object with the schema in the system message", async () => {
    server.enqueue({ type: "json", body: completionBody({ content: '{"city":"x"}' }) });
    const schema = { type: "object", properties: { city: { type: "string" } }, required: ["city"] };
    await preset("deepseek").call({
      messages: [{ role: "system", content: "Be terse." }, ...hello.messages],
      responseFormat: { type: "json_schema", schema },
    });
    const body = server.lastJson() as { response_format: unknown; messages: { content: string }[] };
    expect(body.response_format).toEqual({ type: "json_object" });
    expect(body.messages[0]?.content).toBe(
      `Be terse.\n\nReply with one JSON object that matches this JSON Schema, and nothing else:\n${JSON.stringify(schema)}`,
    );
  });

  it("the json_object fallback is still validated against the schema", async () => {
    const schema = z.object({ city: z.string() });
    server.enqueue(
      { type: "json", body: completionBody({ content: '{"city":"Paris"}' }) },
      { type: "json", body: completionBody({ content: '{"town":"Paris"}' }) },
    );
    const res = await preset("deepseek").call({
      ...hello,
      responseFormat: { type: "json_schema", schema },
    });
    expect(res.parsed).toEqual({ city: "Paris" });
    await expect(
      preset("deepseek").call({ ...hello, responseFormat: { type: "json_schema", schema } }),
    ).rejects.toBeInstanceOf(InvalidResponseError);
  });

  it("the local preset tolerates JSON in a code fence (servers may ignore response_format)", async () => {
    server.enqueue({
      type: "json",
      body: completionBody({ content: '```json\n{"city":"Paris"}\n```' }),
    });
    const res = await preset("local").call({
      ...hello,
      responseFormat: { type: "json_schema", schema: z.object({ city: z.string() }) },
    });
    expect(res.parsed).toEqual({ city: "Paris" });
  });

  it("OpenAI keeps json_schema", async () => {
    server.enqueue({ type: "json", body: completionBody({ content: "{}" }) });
    await preset("openai").call({
      ...hello,
      responseFormat: { type: "json_schema", schema: { type: "object" } },
    });
    expect((server.lastJson().response_format as { type: string }).type).toBe("json_schema");
  });
});

describe("cost", () => {
  it("a response from a priced preset carries costUsd", async () => {
    server.enqueue({
      type: "json",
      body: completionBody({
        usage: {
          prompt_tokens: 1000,
          completion_tokens: 100,
          total_tokens: 1100,
          prompt_cache_hit_tokens: 600,
          prompt_cache_miss_tokens: 400,
        },
      }),
    });
    const res = await preset("deepseek").call(hello);
    expect(res.costUsd).toBeCloseTo((400 * 0.28 + 600 * 0.028 + 100 * 0.42) / 1e6, 15);
  });

  it("a streamed response too", async () => {
    server.enqueue(
      textStream(["a", "b"], {
        usage: { prompt_tokens: 10, completion_tokens: 2, total_tokens: 12 },
      }),
    );
    const response = await preset("openai").stream(hello).response();
    expect(response.costUsd).toBeCloseTo((10 * 0.15 + 2 * 0.6) / 1e6, 15);
  });

  it("a local model has no price: no costUsd", async () => {
    server.enqueue({ type: "json", body: completionBody() });
    expect((await preset("local").call(hello)).costUsd).toBeUndefined();
  });

  it("a per-provider price wins", async () => {
    server.enqueue({
      type: "json",
      body: completionBody({
        usage: { prompt_tokens: 1e6, completion_tokens: 1e6, total_tokens: 2e6 },
      }),
    });
    const res = await preset(
      "local",
      { env },
      { price: { inputPerMtok: 0.01, outputPerMtok: 0.02 } },
    ).call(hello);
    expect(res.costUsd).toBeCloseTo(0.03, 12);
  });

  it("reports into a tracker; a spent budget stops the next call and sends nothing", async () => {
    const tracker = new CostTracker({ budgetUsd: 0.0003 });
    const llm = preset("deepseek", { env }, { tracker, maxRetries: 0 });
    server.enqueue({
      type: "json",
      body: completionBody({
        usage: { prompt_tokens: 500, completion_tokens: 100, total_tokens: 600 },
      }),
    });
    await llm.call(hello);
    server.enqueue({ type: "error", status: 503, body: "busy" });
    await expect(llm.call(hello)).rejects.toThrow("HTTP 503");
    server.enqueue({
      type: "json",
      body: completionBody({
        usage: { prompt_tokens: 500, completion_tokens: 100, total_tokens: 600 },
      }),
    });
    await llm.call(hello);
    expect(tracker.snapshot().total).toMatchObject({
      calls: 2,
      errors: 1,
      promptTokens: 1000,
      completionTokens: 200,
    });
    const sent = server.requests.length;
    await expect(llm.call(hello)).rejects.toBeInstanceOf(BudgetExceededError);
    await expect(llm.stream(hello).response()).rejects.toBeInstanceOf(BudgetExceededError);
    expect(server.requests.length).toBe(sent);
  });

  it("parallel calls are all counted", async () => {
    const tracker = new CostTracker();
    const llm = preset("deepseek", { env }, { tracker });
    server.setFallback({ type: "json", body: completionBody() });
    await Promise.all(Array.from({ length: 50 }, () => llm.call(hello)));
    server.setFallback(undefined);
    expect(tracker.snapshot().total.calls).toBe(50);
    expect(tracker.snapshot().total.costUsd).toBeCloseTo(50 * ((10 * 0.28 + 5 * 0.42) / 1e6), 15);
  });
});

describe("the preset registry", () => {
  it("a registered preset is known to createProvider, createProviderFromConfig and parseProjectConfig", async () => {
    const name = `gateway-${process.pid}`;
    expect(presetNames()).not.toContain(name);
    registerProvider(name, {
      baseUrl: server.baseUrl,
      model: "gw-model",
      apiKeyEnv: "GW_KEY",
      requiresKey: true,
    });
    expect(presetNames().at(-1)).toBe(name);
    expect(presetNames().slice(0, 3)).toEqual(["deepseek", "openai", "local"]);
    expect(getPreset(name)).toMatchObject({ model: "gw-model" });
    expect(() => createProvider({ env: {} }, name)).toThrow("set the GW_KEY environment variable");
    const llm = createProvider({ env: { GW_KEY: "gw-secret-1234567890" } }, name);
    open.push(llm);
    server.enqueue({ type: "json", body: completionBody() });
    await llm.call(hello);
    expect(server.lastRequest?.headers.authorization).toBe("Bearer gw-secret-1234567890");
    expect(server.lastRequest?.body).toMatchObject({ model: "gw-model" });
    // A loom.toml table named after it overrides the preset instead of defining a new provider.
    const project = parseProjectConfig(`[llm.${name}]\nmodel = "other"\n`);
    const fromToml = createProviderFromConfig(
      { env: { GW_KEY: "gw-secret-1234567890" } },
      name,
      project,
    );
    open.push(fromToml);
    expect(fromToml.config).toMatchObject({ baseUrl: `${server.baseUrl}`, model: "other" });
  });

  it("a preset's protocol reaches the client's config; anthropic speaks Messages, the rest chat", () => {
    const registry = new ProviderRegistry().register("wire", {
      baseUrl: server.baseUrl,
      model: "m",
      protocol: "openai-responses",
    });
    expect(resolvePreset({ env: {} }, "wire", {}, registry).config.protocol).toBe(
      "openai-responses",
    );
    expect(preset("deepseek").config.protocol).toBe("openai-chat");
    const anthropic = { env: { ANTHROPIC_API_KEY: "sk-ant-0123456789" } };
    expect(preset("anthropic", anthropic).config.protocol).toBe("anthropic-messages");
    // A config's protocol wins over the preset's.
    expect(preset("anthropic", anthropic, { protocol: "openai-chat" }).config.protocol).toBe(
      "openai-chat",
    );
    // One the client does not speak is refused when registered, as loom.toml refuses it.
    let error: unknown;
    try {
      registerProvider(`future-wire-${process.pid}`, {
        baseUrl: server.baseUrl,
        model: "m",
        protocol: "gemini-native" as ProtocolName,
      });
    } catch (e) {
      error = e;
    }
    expect(ConfigError.isInstance(error)).toBe(true);
    expect((error as ConfigError).issues).toEqual([
      {
        path: "protocol",
        message:
          'must be one of "openai-chat", "anthropic-messages" or "openai-responses", got "gemini-native"',
      },
    ]);
    expect(presetNames()).not.toContain(`future-wire-${process.pid}`);
  });

  it("an unknown name suggests the closest preset", () => {
    expect(() => getPreset("deepsek")).toThrow(
      'Unknown provider "deepsek" (did you mean "deepseek"?)',
    );
  });

  it("refuses a preset without baseUrl or model, and a bad name", () => {
    expect(() => new ProviderRegistry().register("x", { baseUrl: "", model: "m" })).toThrow(
      ConfigError,
    );
    expect(() => registerProvider("a b", { baseUrl: "http://x/v1", model: "m" })).toThrow(
      ConfigError,
    );
  });

  it("refuses what plain JavaScript may hand registerProvider, and the registry stays whole", () => {
    const key = "sk-live-SECRETabcdefghij0123456789";
    const refused: [unknown, unknown, string][] = [
      // `registerProvider(process.env.NAME, …)` with the variable unset.
      [undefined, { baseUrl: "https://x.example/v1", model: "m" }, "name"],
      [null, { baseUrl: "https://x.example/v1", model: "m" }, "name"],
      [42, { baseUrl: "https://x.example/v1", model: "m" }, "name"],
      ["__proto__", { baseUrl: "https://x.example/v1", model: "m" }, "name"],
      ["constructor", { baseUrl: "https://x.example/v1", model: "m" }, "name"],
      ["p1", null, "preset"],
      // The key where its variable's name belongs.
      ["p2", { baseUrl: "https://x.example/v1", model: "m", apiKeyEnv: key }, "apiKeyEnv"],
      ["p3", { baseUrl: "https://x.example/v1", model: "m", apiKey: key }, "apiKey"],
      ["p4", { baseUrl: `https://user:${key}@x.example/v1`, model: "m" }, "baseUrl"],
      ["p5", { baseUrl: `https://x.example/v1?key=${key}`, model: "m" }, "baseUrl"],
    ];
    for (const [name, preset, path] of refused) {
      let error: unknown;
      try {
        registerProvider(name as string, preset as ProviderPreset);
      } catch (e) {
        error = e;
      }
      expect(ConfigError.isInstance(error), String(name)).toBe(true);
      expect((error as ConfigError).issues?.map((issue) => issue.path)).toEqual([path]);
      expect(inspect(error)).not.toContain("SECRETabcdefghij");
    }
    expect(presetNames().filter((name) => /^p[1-5]$/.test(name))).toEqual([]);
    // A preset spread from a config object may carry `apiKey: undefined`: no key in it.
    const spread = { baseUrl: "https://x.example/v1", model: "m", apiKey: undefined };
    registerProvider(`spread-${process.pid}`, spread as ProviderPreset);
    expect(presetNames()).toContain(`spread-${process.pid}`);
    // A query parameter that ends in "code" is no key to refuse a preset for.
    registerProvider(`coded-${process.pid}`, {
      baseUrl: "https://x.example/v1?country_code=de",
      model: "m",
      apiKey: null,
    } as unknown as ProviderPreset);
    expect(presetNames()).toContain(`coded-${process.pid}`);
    // The registry still answers: an unknown name is its ConfigError, not a TypeError.
    expect(() => getPreset("deepsek")).toThrow('Unknown provider "deepsek"');
  });
});
