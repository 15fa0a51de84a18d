import { fileURLToPath } from "node:url";
import * as core from "@loom/llm-core";
import * as otel from "@loom/llm-otel";
import * as presets from "@loom/llm-providers";
import * as testing from "@loom/llm-testing";
import * as types from "@loom/llm-types";
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
} from "@opentelemetry/sdk-trace-base";
import { describe, expect, it } from "vitest";
import * as facade from "./index.js";

describe("@loom/llm facade", () => {
  it("re-exports every runtime export of every package, the same objects", () => {
    const all: Record<string, unknown> = { ...types, ...core, ...presets, ...testing, ...otel };
    // The facade's own additions: LLMProvider with its factories, and the preset registry.
    const own = ["providers", "registerProvider"];
    expect(Object.keys(facade).sort()).toEqual([...Object.keys(all), ...own].sort());
    const exported: Record<string, unknown> = { ...facade };
    delete all.LLMProvider;
    for (const [name, value] of Object.entries(all)) {
      expect(exported[name], name).toBe(value);
    }
  });

  it("errors thrown through one are recognised by the other", () => {
    const error = new types.RateLimitError({ message: "slow down", status: 429 });
    expect(facade.RateLimitError.isInstance(error)).toBe(true);
    expect(facade.LLMError.isInstance(error)).toBe(true);
  });
});

describe("LLMProvider.fromName / fromConfig", () => {
  it("extends core's LLMProvider", () => {
    expect(Object.getPrototypeOf(facade.LLMProvider)).toBe(core.LLMProvider);
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

  it("registerProvider adds a preset to the facade's registry", async () => {
    const server = await facade.createFakeServer({
      replies: [{ type: "json", body: facade.completionBody({ content: "hi" }) }],
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
    const server = await facade.createFakeServer({
      fallback: { type: "json", body: facade.completionBody() },
    });
    facade.registerProvider("traced-test", { baseUrl: server.baseUrl, model: "m" });
    const traced = facade.LLMProvider.fromName({ tracer }, "traced-test");
    const silent = facade.LLMProvider.fromName({ tracer }, "traced-test", { telemetry: false });
    await traced.call({ messages: [{ role: "user", content: "x" }] });
    await silent.call({ messages: [{ role: "user", content: "x" }] });
    expect(exporter.getFinishedSpans().map((s) => s.name)).toEqual(["chat m"]);
    await Promise.all([traced.close(), silent.close(), server.close()]);
  });
});
