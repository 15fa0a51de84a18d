import { fileURLToPath } from "node:url";
import * as core from "@loom/llm-core";
import * as otel from "@loom/llm-otel";
import * as presets from "@loom/llm-providers";
import { completionBody, createFakeServer } from "@loom/llm-testing";
import * as types from "@loom/llm-types";
import * as utils from "@loom/llm-utils";
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
} from "@opentelemetry/sdk-trace-base";
import { describe, expect, it } from "vitest";
import * as facade from "./index.js";

describe("@loom/llm facade", () => {
  it("re-exports the same objects as the packages it draws on, and no test code", () => {
    const all: Record<string, unknown> = { ...types, ...utils, ...core, ...presets, ...otel };
    for (const [name, value] of Object.entries(facade)) {
      if (name === "LLMProvider") continue;
      expect(value, name).toBe(all[name]);
    }
    expect(Object.keys(facade)).not.toContain("MockLLM");
    expect(Object.keys(facade)).not.toContain("createFakeServer");
    // One class named LLMProvider: core's building block has its own name.
    expect(Object.keys(core)).not.toContain("LLMProvider");
    expect(Object.keys(facade)).not.toContain("ChatClient");
  });

  it("keeps its runtime surface small", () => {
    expect(Object.keys(facade).length).toBeLessThan(50);
  });

  it("errors thrown through one are recognised by the other", () => {
    const error = new types.RateLimitError({ message: "slow down", status: 429 });
    expect(facade.RateLimitError.isInstance(error)).toBe(true);
    expect(facade.LLMError.isInstance(error)).toBe(true);
  });
});

describe("LLMProvider's options", () => {
  it("hooks or gates of the wrong shape are a ConfigError naming them, from every way in", () => {
    const config = { baseUrl: "http://127.0.0.1:9/v1", model: "m" };
    const makers: (() => unknown)[] = [
      () => new facade.LLMProvider({}, config, { hooks: {} } as never),
      () => new facade.LLMProvider({}, config, { gates: null } as never),
      () => new facade.LLMProvider({}, config, null as never),
      () =>
        facade.LLMProvider.fromName({ env: { DEEPSEEK_API_KEY: "sk-x" } }, "deepseek", {
          hooks: null,
        } as never),
      () =>
        facade.LLMProvider.fromName({ env: { DEEPSEEK_API_KEY: "sk-x" } }, "deepseek", {
          hooks: "onResponse",
        } as never),
    ];
    for (const make of makers) {
      let error: unknown;
      try {
        make();
      } catch (caught) {
        error = caught;
      }
      expect(types.ConfigError.isInstance(error)).toBe(true);
      expect((error as types.ConfigError).issues[0]?.path).toMatch(/^(hooks|gates|)$/);
    }
  });
});

describe("LLMProvider.fromName / fromConfig", () => {
  it("extends core's ChatClient", () => {
    expect(Object.getPrototypeOf(facade.LLMProvider)).toBe(core.ChatClient);
  });

  it("fromName builds a preset with the key from ctx.env; a missing key fails at once", async () => {
    const llm = facade.LLMProvider.fromName(
      { env: { OPENAI_API_KEY: "sk-facade-0123456789ab" } },
      "openai",
    );
    expect(llm).toBeInstanceOf(facade.LLMProvider);
    expect(llm.model).toBe("gpt-4o-mini");
    expect(String(llm)).toBe("LLMProvider(openai, gpt-4o-mini, https://api.openai.com/v1)");
    expect(JSON.stringify(llm)).not.toContain("0123456789");
    await llm.close();
    expect(() => facade.LLMProvider.fromName({ env: {} }, "deepseek")).toThrow("DEEPSEEK_API_KEY");
  });

  it("registerProvider adds a preset that fromName, createProvider and the CLI all see", async () => {
    const server = await createFakeServer({
      replies: [{ type: "json", body: completionBody({ content: "hi" }) }],
    });
    facade.registerProvider("facade-test", { baseUrl: server.baseUrl, model: "m" });
    const llm = facade.LLMProvider.fromName(undefined, "facade-test");
    expect((await llm.call({ messages: [{ role: "user", content: "x" }] })).content).toBe("hi");
    await llm.close();
    await server.close();
  });

  it("the example loom.toml is valid and every table resolves", async () => {
    const project = await facade.loadProjectConfig(
      fileURLToPath(new URL("../../../examples/loom.toml", import.meta.url)),
    );
    expect(Object.keys(project.llm)).toEqual(["deepseek", "openai", "ollama"]);
    const env = { DEEPSEEK_API_KEY: "sk-0123456789abcdef", OPENAI_API_KEY: "sk-0123456789abcdef" };
    for (const name of Object.keys(project.llm))
      await facade.LLMProvider.fromConfig({ env }, name, project).close();
  });

  it("fromConfig reads a loom.toml table", async () => {
    const project = facade.parseProjectConfig('[llm.deepseek]\nmodel = "deepseek-reasoner"\n');
    const llm = facade.LLMProvider.fromConfig(
      { env: { DEEPSEEK_API_KEY: "sk-0123456789abcdef" } },
      "deepseek",
      project,
    );
    expect(llm.model).toBe("deepseek-reasoner");
    await llm.close();
  });

  it("traces providers built by fromName by default; telemetry: false turns it off", async () => {
    const exporter = new InMemorySpanExporter();
    const tracer = new BasicTracerProvider({
      spanProcessors: [new SimpleSpanProcessor(exporter)],
    }).getTracer("test");
    const server = await createFakeServer({
      fallback: { type: "json", body: completionBody() },
    });
    facade.registerProvider("traced-test", { baseUrl: server.baseUrl, model: "m" });
    const traced = facade.LLMProvider.fromName({ tracer }, "traced-test");
    const silent = facade.LLMProvider.fromName({ tracer }, "traced-test", { telemetry: false });
    await traced.call({ messages: [{ role: "user", content: "x" }] });
    await silent.call({ messages: [{ role: "user", content: "x" }] });
    expect(exporter.getFinishedSpans().map((s) => s.name)).toEqual(["chat m"]);
    await Promise.all([traced.close(), silent.close(), server.close()]);
  });

  it("traces the constructor and fromConfig too, each with the one opt-out", async () => {
    const exporter = new InMemorySpanExporter();
    const tracer = new BasicTracerProvider({
      spanProcessors: [new SimpleSpanProcessor(exporter)],
    }).getTracer("test");
    const server = await createFakeServer({
      fallback: { type: "json", body: completionBody() },
    });
    const config = { baseUrl: server.baseUrl, model: "custom-model" };
    const project = facade.parseProjectConfig(
      `[llm.mine]\nbase_url = "${server.baseUrl}"\nmodel = "toml-model"\n`,
    );
    const llms = [
      new facade.LLMProvider({ tracer }, config),
      new facade.LLMProvider({ tracer }, config, { telemetry: false }),
      facade.LLMProvider.fromConfig({ tracer }, "mine", project),
      facade.LLMProvider.fromConfig({ tracer }, "mine", project, { telemetry: false }),
    ];
    for (const llm of llms) await llm.call({ messages: [{ role: "user", content: "x" }] });
    expect(exporter.getFinishedSpans().map((s) => s.name)).toEqual([
      "chat custom-model",
      "chat toml-model",
    ]);
    await Promise.all([...llms.map((llm) => llm.close()), server.close()]);
  });

  it("a preset registered once is known to createProvider and the facade alike", async () => {
    facade.registerProvider("shared-registry", { baseUrl: "http://127.0.0.1:1/v1", model: "m" });
    expect(facade.presetNames()).toContain("shared-registry");
    const client = presets.createProvider(undefined, "shared-registry");
    const provider = facade.LLMProvider.fromName(undefined, "shared-registry");
    expect(client.config.baseUrl).toBe(provider.config.baseUrl);
    await Promise.all([client.close(), provider.close()]);
  });

  it("prices responses however it was built, with a tracker when given one", async () => {
    const server = await createFakeServer({
      fallback: {
        type: "json",
        body: completionBody({
          model: "deepseek-chat",
          usage: { prompt_tokens: 1_000, completion_tokens: 500, total_tokens: 1_500 },
        }),
      },
    });
    const tracker = new facade.CostTracker();
    const custom = new facade.LLMProvider(
      {},
      { baseUrl: server.baseUrl, model: "deepseek-chat" },
      { tracker, telemetry: false },
    );
    const own = new facade.LLMProvider(
      {},
      { baseUrl: server.baseUrl, model: "my-model" },
      { price: { inputPerMtok: 1, outputPerMtok: 2 }, telemetry: false },
    );
    const ask = { messages: [{ role: "user" as const, content: "x" }] };
    expect((await custom.call(ask)).costUsd).toBeCloseTo((1_000 * 0.28 + 500 * 0.42) / 1e6, 15);
    expect((await own.call(ask)).costUsd).toBeCloseTo((1_000 * 1 + 500 * 2) / 1e6, 15);
    expect(tracker.snapshot().total.calls).toBe(1);
    await Promise.all([custom.close(), own.close(), server.close()]);
  });

  it("fromName and fromConfig take extra hooks, run after the preset's", async () => {
    const server = await createFakeServer({ fallback: { type: "json", body: completionBody() } });
    facade.registerProvider("hooked", { baseUrl: server.baseUrl, model: "m" });
    const seen: string[] = [];
    const hooks = [{ onResponse: () => void seen.push("extra") }];
    const project = facade.parseProjectConfig('[llm.hooked]\nmodel = "m2"\n');
    const a = facade.LLMProvider.fromName(undefined, "hooked", { hooks, telemetry: false });
    const b = facade.LLMProvider.fromConfig(undefined, "hooked", project, { hooks });
    for (const llm of [a, b]) await llm.call({ messages: [{ role: "user", content: "x" }] });
    expect(seen).toEqual(["extra", "extra"]);
    await Promise.all([a.close(), b.close(), server.close()]);
  });

  it("the constructor, fromName and fromConfig send through the transport given", async () => {
    const server = await createFakeServer({ fallback: { type: "json", body: completionBody() } });
    facade.registerProvider("carried", { baseUrl: server.baseUrl, model: "m" });
    const sent: string[] = [];
    const transport: core.ChatClientOptions["transport"] = (origin, options) => {
      const inner = core.undiciTransport(origin, options);
      return {
        send(request) {
          sent.push(request.path);
          return inner.send(request);
        },
        close: (how) => inner.close(how),
      };
    };
    const project = facade.parseProjectConfig('[llm.carried]\nmodel = "m2"\n');
    const providers = [
      new facade.LLMProvider({}, { baseUrl: server.baseUrl, model: "m" }, { transport }),
      facade.LLMProvider.fromName(undefined, "carried", { transport, telemetry: false }),
      facade.LLMProvider.fromConfig(undefined, "carried", project, { transport }),
    ];
    for (const llm of providers) await llm.call({ messages: [{ role: "user", content: "x" }] });
    expect(sent).toEqual(["/v1/chat/completions", "/v1/chat/completions", "/v1/chat/completions"]);
    await Promise.all([...providers.map((p) => p.close()), server.close()]);
  });
});
