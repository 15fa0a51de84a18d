// The presets beyond deepseek/openai/local: each resolves to its provider's documented address
// and key variable, and its wire rules shape the body the fake server receives.
import type { ChatClient } from "@loom/llm-core";
import {
  completionBody,
  createFakeServer,
  type FakeServer,
  messageBody,
  responseBody,
  textStream,
} from "@loom/llm-testing";
import { ConfigError, type LLMContext, type ProtocolName } from "@loom/llm-types";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { z } from "zod";
import { findPrice } from "../cost/model-price.js";
import { createProvider } from "../create-provider.js";
import { resolvePreset } from "../resolve-provider.js";
import { BUILTIN_PRESETS } from "./builtin-presets.js";
import { presetNames } from "./presets.js";

const hello = { messages: [{ role: "user" as const, content: "hello" }] };
const keys = Object.fromEntries(
  Object.values(BUILTIN_PRESETS)
    .map((p) => p.apiKeyEnv)
    .filter((name) => name !== undefined)
    .map((name) => [name, `sk-${name.toLowerCase()}-0123456789`]),
);

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

function preset(
  name: string,
  ctx: LLMContext = { env: keys },
  model?: string,
  protocol?: ProtocolName,
): ChatClient {
  const llm = createProvider(ctx, name, {
    baseUrl: server.baseUrl,
    ...(model === undefined ? {} : { model }),
    ...(protocol === undefined ? {} : { protocol }),
  });
  open.push(llm);
  return llm;
}

describe("the built-in presets", () => {
  it("are all listed, in one registry", () => {
    expect(presetNames().slice(0, 15)).toEqual([
      "deepseek",
      "openai",
      "local",
      "ollama",
      "vllm",
      "llamacpp",
      "lmstudio",
      "openrouter",
      "groq",
      "together",
      "fireworks",
      "mistral",
      "xai",
      "gemini",
      "anthropic",
    ]);
  });

  it.each([
    ["ollama", "http://localhost:11434/v1", undefined],
    ["vllm", "http://localhost:8000/v1", "VLLM_API_KEY"],
    ["llamacpp", "http://localhost:8080/v1", "LLAMA_API_KEY"],
    ["lmstudio", "http://localhost:1234/v1", "LM_STUDIO_API_KEY"],
    ["openrouter", "https://openrouter.ai/api/v1", "OPENROUTER_API_KEY"],
    ["groq", "https://api.groq.com/openai/v1", "GROQ_API_KEY"],
    ["together", "https://api.together.xyz/v1", "TOGETHER_API_KEY"],
    ["fireworks", "https://api.fireworks.ai/inference/v1", "FIREWORKS_API_KEY"],
    ["mistral", "https://api.mistral.ai/v1", "MISTRAL_API_KEY"],
    ["xai", "https://api.x.ai/v1", "XAI_API_KEY"],
    ["gemini", "https://generativelanguage.googleapis.com/v1beta/openai", "GEMINI_API_KEY"],
    ["anthropic", "https://api.anthropic.com/v1", "ANTHROPIC_API_KEY"],
  ])("%s: %s, key from %s", (name, baseUrl, apiKeyEnv) => {
    const { config } = resolvePreset({ env: keys }, name);
    expect(config).toMatchObject({ provider: name, baseUrl });
    expect(config.apiKeyEnv).toBe(apiKeyEnv);
    if (apiKeyEnv !== undefined) expect(config.apiKey).toBe(keys[apiKeyEnv]);
  });

  it("hosted ones need their key, over https; local ones need none, on loopback", () => {
    for (const [name, p] of Object.entries(BUILTIN_PRESETS)) {
      const hosted = p.requiresKey === true;
      expect(new URL(p.baseUrl).protocol, name).toBe(hosted ? "https:" : "http:");
      if (hosted) {
        expect(() => resolvePreset({ env: {} }, name), name).toThrow(p.apiKeyEnv);
      } else {
        expect(new URL(p.baseUrl).hostname, name).toBe("localhost");
        expect(() => resolvePreset({ env: {} }, name), name).not.toThrow();
      }
    }
  });

  it("hosted defaults are priced where the provider publishes a price; local ones never are", () => {
    for (const [name, p] of Object.entries(BUILTIN_PRESETS)) {
      const price = p.prices?.[p.model] ?? findPrice(p.model);
      if (p.requiresKey) expect(price, name).toBeDefined();
      else expect(price, name).toBeUndefined();
    }
  });
});

describe("wire rules", () => {
  it("mistral: no stream_options (a 422 there), seed sent as random_seed, max_tokens kept", async () => {
    server.enqueue(textStream(["ok"], { usagePlacement: "finish" }));
    const res = await preset("mistral")
      .stream({ ...hello, seed: 7, maxTokens: 20 })
      .response();
    expect(server.lastJson()).toEqual({
      model: "mistral-small-latest",
      messages: hello.messages,
      max_tokens: 20,
      random_seed: 7,
      stream: true,
    });
    expect(res.usage.reported).toBe(true);
    // A random_seed of the caller's own (through extraBody) wins: never both names.
    server.enqueue({ type: "json", body: completionBody() });
    await preset("mistral").call({ ...hello, seed: 7, extraBody: { random_seed: 9 } });
    expect(server.lastJson()).toMatchObject({ random_seed: 9 });
    expect(server.lastJson()).not.toHaveProperty("seed");
  });

  it("groq: logprobs options dropped with a warning; n > 1 refused before sending", async () => {
    const warnings: string[] = [];
    const llm = preset("groq", { env: keys, logger: { warn: (m) => warnings.push(m) } });
    server.enqueue({ type: "json", body: completionBody() });
    await llm.call({ ...hello, extraBody: { logprobs: true, top_logprobs: 2, top_k: 5 } });
    expect(server.lastJson()).toEqual({
      model: "llama-3.3-70b-versatile",
      messages: hello.messages,
      top_k: 5,
    });
    expect(warnings).toEqual([
      'groq: llama-3.3-70b-versatile does not accept "logprobs"; it was not sent',
      'groq: llama-3.3-70b-versatile does not accept "top_logprobs"; it was not sent',
    ]);
    server.reset();
    const error = await llm.call({ ...hello, n: 2 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).toContain("groq answers at most 1 choice per request, got 2");
    expect(server.requests).toHaveLength(0);
  });

  it.each(["ollama", "anthropic"])("%s: n > 1 refused before sending", async (name) => {
    const error = await preset(name)
      .call({ ...hello, n: 3 })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigError);
    expect(server.requests).toHaveLength(0);
  });

  it("anthropic over its OpenAI layer: no response_format (ignored there); the schema is asked for in words, and the reply validated", async () => {
    const schema = z.object({ city: z.string() });
    server.enqueue({
      type: "json",
      body: completionBody({ content: 'Here it is:\n```json\n{"city": "Paris"}\n```' }),
    });
    const res = await preset("anthropic", undefined, undefined, "openai-chat").call({
      messages: [
        { role: "system", content: "Be brief." },
        { role: "user", content: "Where?" },
      ],
      responseFormat: { type: "json_schema", schema },
    });
    expect(res.parsed).toEqual({ city: "Paris" });
    const body = server.lastJson();
    expect(body).not.toHaveProperty("response_format");
    const system = (body.messages as { content: string }[])[0]?.content;
    expect(system).toMatch(
      /^Be brief\.\n\nReply with one JSON object that matches this JSON Schema/,
    );
    expect(system).toContain('"city"');
  });

  it("anthropic speaks Messages natively: /messages, x-api-key, max_tokens, the schema as a forced tool", async () => {
    server.enqueue({
      type: "json",
      body: messageBody({ toolCalls: [{ name: "json", arguments: { city: "Paris" } }] }),
    });
    const res = await preset("anthropic").call({
      messages: [
        { role: "system", content: "Be brief." },
        { role: "user", content: "Where?" },
      ],
      responseFormat: { type: "json_schema", schema: z.object({ city: z.string() }) },
    });
    expect(res.parsed).toEqual({ city: "Paris" });
    expect(res.toolCalls).toEqual([]);
    const request = server.lastRequest;
    expect(request?.path).toBe("/v1/messages");
    expect(request?.headers["x-api-key"]).toBe(keys.ANTHROPIC_API_KEY);
    expect(request?.headers.authorization).toBeUndefined();
    const body = server.lastJson();
    expect(body).toMatchObject({
      system: "Be brief.",
      max_tokens: 4096,
      tool_choice: { type: "tool", name: "json" },
    });
    // The OpenAI layer's rules stay with the OpenAI layer: nothing of them here.
    expect(body).not.toHaveProperty("response_format");
    expect(body).not.toHaveProperty("messages.0.role", "system");
  });

  it("openai over Responses: max_output_tokens as is, a reasoning model's sampling dropped", async () => {
    server.enqueue({ type: "json", body: responseBody({ text: "Hi" }) });
    const res = await preset("openai", undefined, "o3", "openai-responses").call({
      ...hello,
      maxTokens: 50,
      temperature: 0.2,
      topP: 0.5,
    });
    expect(res.content).toBe("Hi");
    expect(server.lastRequest?.path).toBe("/v1/responses");
    const body = server.lastJson();
    expect(body).toMatchObject({ model: "o3", max_output_tokens: 50, store: false });
    for (const field of ["max_tokens", "max_completion_tokens", "temperature", "top_p"])
      expect(body).not.toHaveProperty(field);
  });

  it("llamacpp over Responses: the format also as response_format, which its /v1/responses reads", async () => {
    server.enqueue({ type: "json", body: responseBody({ text: '{"city":"Paris"}' }) });
    const res = await preset("llamacpp", undefined, undefined, "openai-responses").call({
      ...hello,
      responseFormat: {
        type: "json_schema",
        schema: z.object({ city: z.string() }),
        name: "place",
      },
    });
    expect(res.parsed).toEqual({ city: "Paris" });
    const body = server.lastJson() as {
      text: { format: { schema: unknown } };
      response_format: unknown;
    };
    expect(body.response_format).toEqual({
      type: "json_schema",
      json_schema: {
        name: "place",
        schema: body.text.format.schema,
        strict: true,
      },
    });
  });

  it("lmstudio: json_object goes out as a json_schema for any object", async () => {
    server.enqueue({ type: "json", body: completionBody({ content: '{"a":1}' }) });
    const res = await preset("lmstudio").call({
      ...hello,
      responseFormat: { type: "json_object" },
    });
    expect(res.parsed).toEqual({ a: 1 });
    expect(server.lastJson().response_format).toEqual({
      type: "json_schema",
      json_schema: { name: "response", schema: { type: "object" } },
    });
  });

  it.each([
    ["grok-4", false],
    ["grok-3-mini", false],
    ["grok-4.20-reasoning", false],
    ["grok-4.20-non-reasoning", true],
    ["grok-4-1-fast-non-reasoning", true],
    ["grok-4-fast-non-reasoning", true],
    ["grok-4-fast-reasoning", false],
    ["grok-3-mini-fast", false],
    ["grok-3", true],
  ])("xai %s: stop and penalties sent: %s", async (model, kept) => {
    server.enqueue({ type: "json", body: completionBody() });
    await preset("xai", { env: keys, logger: { warn: () => {} } }, model).call({
      ...hello,
      stop: ["\n"],
      extraBody: { presence_penalty: 0.5 },
    });
    const body = server.lastJson();
    expect("stop" in body).toBe(kept);
    expect("presence_penalty" in body).toBe(kept);
  });
});
