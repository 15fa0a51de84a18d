// Nothing registered with OpenTelemetry: calls are not traced and the API is not even needed.
// An SDK registered later, after the provider was made, sees the calls from then on.
import { ChatClient } from "@loom/llm-core";
import { completionBody, createFakeServer } from "@loom/llm-testing";
import { trace } from "@opentelemetry/api";
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
} from "@opentelemetry/sdk-trace-base";
import { afterAll, describe, expect, it } from "vitest";
import { otelHooks } from "./otel-hooks.js";

const server = await createFakeServer({ fallback: { type: "json", body: completionBody() } });
const llm = new ChatClient({}, { baseUrl: server.baseUrl, model: "m" }, { hooks: [otelHooks()] });
afterAll(async () => {
  await llm.close();
  await server.close();
  trace.disable();
});
const hello = { messages: [{ role: "user" as const, content: "hi" }] };
const registered = () =>
  (globalThis as Record<symbol, unknown>)[Symbol.for("opentelemetry.js.api.1")] !== undefined;

describe("an SDK registered late", () => {
  it("before: calls work and register nothing; after: they are traced", async () => {
    expect(registered()).toBe(false);
    await llm.call(hello);
    expect(registered()).toBe(false);
    const exporter = new InMemorySpanExporter();
    trace.setGlobalTracerProvider(
      new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] }),
    );
    await llm.call(hello);
    expect(exporter.getFinishedSpans().map((s) => s.name)).toEqual(["chat m"]);
  });
});
