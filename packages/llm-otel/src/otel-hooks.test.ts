import { ChatClient, type ProviderHooks, RateLimitGate } from "@loom/llm-core";
import {
  completionBody,
  completionChunk,
  createFakeServer,
  ECHO_ENCODINGS,
  type FakeServer,
  hostile,
  messageStream,
  textStream,
  usageChunk,
  wireUsage,
} from "@loom/llm-testing";
import { context, metrics, SpanKind, SpanStatusCode, trace } from "@opentelemetry/api";
import { AsyncLocalStorageContextManager } from "@opentelemetry/context-async-hooks";
import {
  AggregationTemporality,
  type DataPoint,
  type Histogram,
  MeterProvider,
  MetricReader,
} from "@opentelemetry/sdk-metrics";
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  type ReadableSpan,
  SimpleSpanProcessor,
} from "@opentelemetry/sdk-trace-base";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { budgetGauge, otelHooks } from "./otel-hooks.js";
import * as names from "./semantic-names.js";

class TestReader extends MetricReader {
  constructor() {
    super({ aggregationTemporalitySelector: () => AggregationTemporality.CUMULATIVE });
  }
  protected override async onShutdown(): Promise<void> {}
  protected override async onForceFlush(): Promise<void> {}
}

const KEY = "sk-otel-0123456789abcdefSECRET";
const QUESTION = "What is the capital of France?";
const hello = { messages: [{ role: "user" as const, content: QUESTION }] };
const exporter = new InMemorySpanExporter();
const reader = new TestReader();
let server: FakeServer;
let llm: ChatClient;
const priced: ProviderHooks = {
  onResponse: (response) => {
    response.costUsd = 0.000123;
  },
};

beforeAll(async () => {
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  trace.setGlobalTracerProvider(
    new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] }),
  );
  metrics.setGlobalMeterProvider(new MeterProvider({ readers: [reader] }));
  server = await createFakeServer();
  llm = new ChatClient(
    { agentId: "researcher-1" },
    {
      baseUrl: server.baseUrl,
      model: "deepseek-chat",
      provider: "deepseek",
      apiKey: KEY,
      maxRetries: 1,
      timeoutMs: 300,
    },
    { hooks: [priced, otelHooks()] },
  );
});
afterAll(async () => {
  await llm.close();
  await server.close();
  trace.disable();
  context.disable();
  metrics.disable();
});
beforeEach(() => {
  exporter.reset();
  server.reset();
});

const only = (): ReadableSpan => {
  const spans = exporter.getFinishedSpans();
  expect(spans).toHaveLength(1);
  return spans[0] as ReadableSpan;
};

describe("spans", () => {
  it("Anthropic Messages: the protocol, cache reads and cache writes on the span", async () => {
    const claude = new ChatClient(
      {},
      {
        baseUrl: server.baseUrl,
        model: "claude-haiku-4-5",
        provider: "anthropic",
        protocol: "anthropic-messages",
        apiKey: KEY,
        maxRetries: 0,
      },
      { hooks: [otelHooks()] },
    );
    try {
      server.enqueue(
        messageStream({
          text: ["Par", "is"],
          usage: { input: 12, output: 2, cacheRead: 100, cacheWrite: 30 },
        }),
      );
      let text = "";
      for await (const piece of claude.stream(hello)) text += piece;
      expect(text).toBe("Paris");
      expect(only().attributes).toMatchObject({
        [names.LLM_PROTOCOL]: "anthropic-messages",
        [names.GEN_AI_PROVIDER_NAME]: "anthropic",
        [names.GEN_AI_USAGE_INPUT_TOKENS]: 142,
        [names.GEN_AI_USAGE_CACHE_READ_INPUT_TOKENS]: 100,
        [names.GEN_AI_USAGE_CACHE_CREATION_INPUT_TOKENS]: 30,
        [names.GEN_AI_USAGE_OUTPUT_TOKENS]: 2,
        [names.GEN_AI_RESPONSE_FINISH_REASONS]: ["stop"],
      });
    } finally {
      await claude.close();
    }
  });

  it("a successful call: one CLIENT span with both attribute families", async () => {
    server.enqueue({
      type: "json",
      body: completionBody({
        content: "Paris",
        model: "deepseek-chat-v3",
        id: "chatcmpl-9",
        usage: {
          prompt_tokens: 20,
          completion_tokens: 5,
          total_tokens: 25,
          prompt_cache_hit_tokens: 8,
          prompt_cache_miss_tokens: 12,
        },
      }),
    });
    await llm.call({ ...hello, temperature: 0.2, maxTokens: 64, topP: 0.9 });
    const span = only();
    expect(span.name).toBe("chat deepseek-chat");
    expect(span.kind).toBe(SpanKind.CLIENT);
    expect(span.status.code).toBe(SpanStatusCode.UNSET);
    const { port } = new URL(server.url);
    expect(span.attributes).toMatchObject({
      [names.LLM_PROVIDER]: "deepseek",
      [names.LLM_PROTOCOL]: "openai-chat",
      [names.GEN_AI_PROVIDER_NAME]: "deepseek",
      [names.LLM_MODEL]: "deepseek-chat",
      [names.GEN_AI_REQUEST_MODEL]: "deepseek-chat",
      [names.GEN_AI_RESPONSE_MODEL]: "deepseek-chat-v3",
      [names.GEN_AI_OPERATION_NAME]: "chat",
      [names.LLM_TOKENS_PROMPT]: 20,
      [names.GEN_AI_USAGE_INPUT_TOKENS]: 20,
      [names.LLM_TOKENS_COMPLETION]: 5,
      [names.GEN_AI_USAGE_OUTPUT_TOKENS]: 5,
      [names.GEN_AI_USAGE_CACHE_READ_INPUT_TOKENS]: 8,
      [names.GEN_AI_REQUEST_TEMPERATURE]: 0.2,
      [names.GEN_AI_REQUEST_MAX_TOKENS]: 64,
      [names.GEN_AI_REQUEST_TOP_P]: 0.9,
      [names.GEN_AI_REQUEST_STREAM]: false,
      [names.GEN_AI_RESPONSE_ID]: "chatcmpl-9",
      [names.GEN_AI_RESPONSE_FINISH_REASONS]: ["stop"],
      [names.SERVER_ADDRESS]: "127.0.0.1",
      [names.SERVER_PORT]: Number(port),
      [names.LLM_COST_USD]: 0.000123,
      [names.LOOM_AGENT_ID]: "researcher-1",
      [names.LLM_ATTEMPTS]: 1,
    });
    expect(span.attributes[names.LLM_LATENCY_MS]).toBeGreaterThan(0);
    expect(span.attributes[names.GEN_AI_USAGE_REASONING_OUTPUT_TOKENS]).toBeUndefined();
  });

  it("a stream: gen_ai.request.stream and time to first chunk", async () => {
    server.enqueue(textStream(["Pa", "ris"], { delayMs: 20 }));
    for await (const _ of llm.stream(hello)) {
      // consume
    }
    const span = only();
    expect(span.attributes[names.GEN_AI_REQUEST_STREAM]).toBe(true);
    const ttfc = span.attributes[names.GEN_AI_RESPONSE_TIME_TO_FIRST_CHUNK] as number;
    expect(ttfc).toBeGreaterThan(0.015);
    expect(ttfc).toBeLessThan((span.attributes[names.LLM_LATENCY_MS] as number) / 1000);
    expect(span.status.code).toBe(SpanStatusCode.UNSET);
  });

  it("a tool-call response", async () => {
    server.enqueue({
      type: "json",
      body: completionBody({ toolCalls: [{ id: "c1", name: "lookup", arguments: { q: "x" } }] }),
    });
    await llm.call({ ...hello, tools: [{ name: "lookup" }] });
    expect(only().attributes[names.GEN_AI_RESPONSE_FINISH_REASONS]).toEqual(["tool_calls"]);
  });

  it("several answers (n = 2): the count asked for, every answer's finish reason", async () => {
    const answer = (index: number, finish: string) => ({
      index,
      message: { role: "assistant", content: `answer ${index}` },
      finish_reason: finish,
    });
    server.enqueue({
      type: "json",
      body: { ...completionBody(), choices: [answer(0, "stop"), answer(1, "length")] },
    });
    await llm.call({ ...hello, n: 2 });
    const span = only();
    expect(span.attributes[names.GEN_AI_REQUEST_CHOICE_COUNT]).toBe(2);
    expect(span.attributes[names.GEN_AI_RESPONSE_FINISH_REASONS]).toEqual(["stop", "length"]);
  });

  it("a failed call (401): status ERROR, error.type, the exception recorded", async () => {
    server.enqueue({
      type: "error",
      status: 401,
      body: { error: { message: "Invalid API key", type: "authentication_error" } },
    });
    await expect(llm.call(hello)).rejects.toThrow();
    const span = only();
    expect(span.status.code).toBe(SpanStatusCode.ERROR);
    expect(span.status.message).toContain("HTTP 401");
    expect(span.attributes[names.ERROR_TYPE]).toBe("AuthenticationError");
    expect(span.events.map((e) => e.name)).toContain("exception");
  });

  it("a timeout: error.type TimeoutError, each retry an event", async () => {
    server.enqueue({ type: "hang" }, { type: "hang" });
    await expect(llm.call(hello)).rejects.toThrow();
    const span = only();
    expect(span.attributes[names.ERROR_TYPE]).toBe("TimeoutError");
    expect(span.attributes[names.LLM_ATTEMPTS]).toBe(2);
    const retries = span.events.filter((e) => e.name === names.RETRY_EVENT);
    expect(retries).toHaveLength(1);
    expect(retries[0]?.attributes).toMatchObject({
      [names.RETRY_ATTEMPT]: 1,
      [names.ERROR_TYPE]: "TimeoutError",
    });
  });

  it("a retried call that succeeds: status unset, retry events with the wait", async () => {
    server.enqueue(
      { type: "error", status: 429, body: "", headers: { "retry-after-ms": "15" } },
      { type: "json", body: completionBody() },
    );
    await llm.call(hello);
    const span = only();
    expect(span.status.code).toBe(SpanStatusCode.UNSET);
    expect(span.events.find((e) => e.name === names.RETRY_EVENT)?.attributes).toMatchObject({
      [names.RETRY_DELAY_MS]: 15,
      [names.ERROR_TYPE]: "RateLimitError",
    });
    expect(span.attributes[names.LLM_ATTEMPTS]).toBe(2);
  });

  it("an aborted stream: the span ends with status ERROR", async () => {
    server.enqueue({
      type: "sse",
      // A piece that cannot begin the key in any form, so masking holds none of it back.
      events: [completionChunk({ content: "Hi there" }), { delayMs: 5_000 }],
    });
    const stream = llm.stream(hello);
    await expect(
      (async () => {
        for await (const _ of stream) stream.abort();
      })(),
    ).rejects.toThrow();
    const span = only();
    expect(span.status.code).toBe(SpanStatusCode.ERROR);
    expect(span.attributes[names.ERROR_TYPE]).toBe("AbortError");
  });

  it("a stream left early with break: the span ends, status OK, marked cancelled", async () => {
    server.enqueue({
      type: "sse",
      // A piece that cannot begin the key in any form, so masking holds none of it back.
      events: [completionChunk({ content: "Hi there" }), { delayMs: 5_000 }],
    });
    for await (const _ of llm.stream(hello)) break;
    const span = only();
    expect(span.status.code).toBe(SpanStatusCode.OK);
    expect(span.attributes[names.LLM_STREAM_CANCELLED]).toBe(true);
    expect(span.ended).toBe(true);
  });

  it("two tracing hooks on one client, and clients called at once: each span its own, each ended once", async () => {
    const first = new InMemorySpanExporter();
    const second = new InMemorySpanExporter();
    const tracerOf = (into: InMemorySpanExporter) =>
      new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(into)] }).getTracer("t");
    const config = { baseUrl: server.baseUrl, model: "m", apiKey: KEY, maxRetries: 0 };
    // Both hooks keep their call's state on the same CallInfo: neither may read or end the
    // other's span.
    const both = new ChatClient({}, config, {
      hooks: [otelHooks({ tracer: tracerOf(first) }), otelHooks({ tracer: tracerOf(second) })],
    });
    const other = new ChatClient({}, config, { hooks: [otelHooks({ tracer: tracerOf(second) })] });
    try {
      server.enqueue({ type: "json", body: completionBody(), delayMs: 50 });
      server.enqueue({ type: "json", body: completionBody(), delayMs: 50 });
      server.enqueue({ type: "error", status: 400, body: { error: { message: "no" } } });
      const outcomes = await Promise.allSettled([
        both.call(hello),
        other.call(hello),
        both.call(hello),
      ]);
      expect(outcomes.map((o) => o.status).sort()).toEqual(["fulfilled", "fulfilled", "rejected"]);
      const firstSpans = first.getFinishedSpans();
      const secondSpans = second.getFinishedSpans();
      // Two calls of `both` in the first exporter; the same two, and `other`'s, in the second.
      expect(firstSpans).toHaveLength(2);
      expect(secondSpans).toHaveLength(3);
      const errors = (spans: ReadableSpan[]) =>
        spans.filter((span) => span.status.code === SpanStatusCode.ERROR).length;
      expect(errors(firstSpans) + errors(secondSpans)).toBeGreaterThanOrEqual(1);
      for (const span of [...firstSpans, ...secondSpans]) expect(span.ended).toBe(true);
      expect(new Set(secondSpans.map((span) => span.spanContext().spanId)).size).toBe(3);
    } finally {
      await both.close();
      await other.close();
    }
  });

  it("a stream that failed, or was left, after its usage came: the tokens billed are on the span", async () => {
    const billed = [
      completionChunk({ content: "Paris" }),
      completionChunk({}, { finishReason: "stop" }),
      usageChunk(wireUsage(40, 5_000)),
    ];
    server.enqueue({
      type: "sse",
      events: [...billed, { delayMs: 100 }],
      done: false,
      end: "reset",
    });
    await expect(llm.stream(hello).response()).rejects.toMatchObject({ name: "ConnectionError" });
    server.enqueue({ type: "sse", events: [...billed, { delayMs: 5_000 }] });
    for await (const event of llm.stream(hello).events()) if (event.type === "usage") break;
    const [failed, left] = exporter.getFinishedSpans();
    expect(failed?.status.code).toBe(SpanStatusCode.ERROR);
    expect(left?.attributes[names.LLM_STREAM_CANCELLED]).toBe(true);
    for (const span of [failed, left]) {
      expect(span?.attributes[names.GEN_AI_USAGE_INPUT_TOKENS]).toBe(5_000);
      expect(span?.attributes[names.GEN_AI_USAGE_OUTPUT_TOKENS]).toBe(40);
    }
  });

  it("a reply that arrived whole but could not be used: its tokens are on the failed span", async () => {
    server.enqueue({
      type: "json",
      body: completionBody({ content: "not json", usage: wireUsage(7, 70) }),
    });
    await expect(
      llm.call({ ...hello, responseFormat: { type: "json_object" } }),
    ).rejects.toMatchObject({ name: "InvalidResponseError" });
    const span = only();
    expect(span.status.code).toBe(SpanStatusCode.ERROR);
    expect(span.attributes[names.GEN_AI_USAGE_INPUT_TOKENS]).toBe(70);
    expect(span.attributes[names.GEN_AI_USAGE_OUTPUT_TOKENS]).toBe(7);
  });

  it("a call inside the caller's active span is its child", async () => {
    server.enqueue({ type: "json", body: completionBody() });
    await trace.getTracer("agent").startActiveSpan("agent step", async (parent) => {
      await llm.call(hello);
      parent.end();
    });
    const spans = exporter.getFinishedSpans();
    const child = spans.find((s) => s.name === "chat deepseek-chat");
    const parent = spans.find((s) => s.name === "agent step");
    expect(child?.parentSpanContext?.spanId).toBe(parent?.spanContext().spanId);
    expect(child?.spanContext().traceId).toBe(parent?.spanContext().traceId);
  });

  it("never records the key, headers or content unless capture is on", async () => {
    server.enqueue(
      { type: "json", body: completionBody({ content: "The capital is Paris." }) },
      { type: "error", status: 401, body: `bad key ${KEY}` },
    );
    await llm.call(hello);
    await expect(llm.call(hello)).rejects.toThrow();
    const dump = JSON.stringify(
      exporter
        .getFinishedSpans()
        .map((s) => ({ a: s.attributes, e: s.events, st: s.status, n: s.name })),
    );
    expect(dump).not.toContain(KEY);
    expect(dump).not.toContain(QUESTION);
    expect(dump).not.toContain("The capital is Paris.");
    expect(dump).not.toContain("/v1/chat/completions");
    expect(dump).not.toMatch(/authorization|bearer/i);
  });

  it("records content when opted in, in the GenAI message shape", async () => {
    const capturing = new ChatClient(
      {},
      { baseUrl: server.baseUrl, model: "m" },
      { hooks: [otelHooks({ captureContent: true })] },
    );
    server.enqueue({ type: "json", body: completionBody({ content: "Paris." }) });
    await capturing.call(hello);
    const span = only();
    expect(JSON.parse(span.attributes[names.GEN_AI_INPUT_MESSAGES] as string)).toEqual([
      { role: "user", parts: [{ type: "text", content: QUESTION }] },
    ]);
    expect(JSON.parse(span.attributes[names.GEN_AI_OUTPUT_MESSAGES] as string)).toEqual([
      { role: "assistant", parts: [{ type: "text", content: "Paris." }], finish_reason: "stop" },
    ]);
    await capturing.close();
  });

  it("the capture switch can come from the environment variable", async () => {
    const fromEnv = new ChatClient(
      { env: { [names.CAPTURE_CONTENT_ENV]: "true" } },
      { baseUrl: server.baseUrl, model: "m" },
      { hooks: [otelHooks()] },
    );
    server.enqueue({ type: "json", body: completionBody() });
    await fromEnv.call(hello);
    expect(only().attributes[names.GEN_AI_INPUT_MESSAGES]).toBeDefined();
    await fromEnv.close();
  });

  it("an environment that refuses to be read (Deno without --allow-env): no content, no failure", async () => {
    const refusing = new Proxy<Record<string, string | undefined>>(
      {},
      {
        get(_target, name) {
          throw new Error(`NotCapable: Requires env access to "${String(name)}"`);
        },
      },
    );
    const denied = new ChatClient(
      { env: refusing },
      { baseUrl: server.baseUrl, model: "m" },
      { hooks: [otelHooks()] },
    );
    server.enqueue({ type: "json", body: completionBody() });
    await expect(denied.call(hello)).resolves.toMatchObject({ content: expect.any(String) });
    expect(only().attributes[names.GEN_AI_INPUT_MESSAGES]).toBeUndefined();
    await denied.close();
  });
});

describe("metrics", () => {
  it("token usage, duration and time to first chunk, with the conventions' buckets", async () => {
    server.enqueue(
      {
        type: "json",
        body: completionBody({
          usage: { prompt_tokens: 100, completion_tokens: 30, total_tokens: 130 },
        }),
      },
      textStream(["a", "b"]),
    );
    const metered = new ChatClient(
      {},
      { baseUrl: server.baseUrl, model: "metered-model", provider: "p" },
      { hooks: [otelHooks()] },
    );
    await metered.call(hello);
    await metered.stream(hello).response();
    await metered.close();
    const { resourceMetrics } = await reader.collect();
    const all = resourceMetrics.scopeMetrics.flatMap((s) => s.metrics);
    const points = (name: string) =>
      (all.find((m) => m.descriptor.name === name)?.dataPoints ?? []).filter(
        (p) => p.attributes[names.GEN_AI_REQUEST_MODEL] === "metered-model",
      ) as DataPoint<Histogram>[];
    const tokens = points(names.METRIC_TOKEN_USAGE);
    const input = tokens.find((p) => p.attributes[names.GEN_AI_TOKEN_TYPE] === "input");
    expect(input?.value.sum).toBe(110);
    expect(input?.value.buckets.boundaries).toEqual(names.TOKEN_BUCKETS);
    expect(input?.attributes).toMatchObject({
      [names.GEN_AI_OPERATION_NAME]: "chat",
      [names.GEN_AI_PROVIDER_NAME]: "p",
      [names.SERVER_ADDRESS]: "127.0.0.1",
    });
    expect(tokens.find((p) => p.attributes[names.GEN_AI_TOKEN_TYPE] === "output")?.value.sum).toBe(
      32,
    );
    const duration = points(names.METRIC_OPERATION_DURATION);
    expect(duration.reduce((n, p) => n + p.value.count, 0)).toBe(2);
    expect(duration[0]?.value.buckets.boundaries).toEqual(names.DURATION_BUCKETS);
    const ttfc = points(names.METRIC_TIME_TO_FIRST_CHUNK);
    expect(ttfc.reduce((n, p) => n + p.value.count, 0)).toBe(1);
  });

  it("a request held by a rate limit: an llm.gate.wait span event and the wait histogram", async () => {
    // A second's window: the hold is what is left of it after the first call, which a loaded
    // machine may stretch to hundreds of milliseconds.
    const gate = new RateLimitGate({ requestsPerMinute: 1, windowMs: 1_000 });
    const limited = new ChatClient(
      {},
      { baseUrl: server.baseUrl, model: "limited-model", maxRetries: 0 },
      { hooks: [otelHooks()], gates: [gate] },
    );
    server.enqueue(
      { type: "json", body: completionBody() },
      { type: "json", body: completionBody() },
    );
    await limited.call(hello);
    exporter.reset();
    await limited.call(hello);
    await limited.close();
    const event = only().events.find((e) => e.name === names.GATE_WAIT_EVENT);
    expect(event?.attributes?.[names.GATE_WAIT_MS]).toBeGreaterThanOrEqual(300);
    const { resourceMetrics } = await reader.collect();
    const wait = resourceMetrics.scopeMetrics
      .flatMap((s) => s.metrics)
      .find((m) => m.descriptor.name === names.METRIC_GATE_WAIT);
    const point = wait?.dataPoints.find(
      (p) => p.attributes[names.GEN_AI_REQUEST_MODEL] === "limited-model",
    ) as DataPoint<Histogram> | undefined;
    expect(point?.value.count).toBe(1);
    expect(point?.value.sum).toBeGreaterThanOrEqual(0.3);
  });

  it("the budget gauge reads what is left of a tracker's budget at each collection", async () => {
    const tracker = { remainingUsd: 4.5 as number | undefined };
    budgetGauge(tracker);
    const gauge = async () =>
      (await reader.collect()).resourceMetrics.scopeMetrics
        .flatMap((s) => s.metrics)
        .find((m) => m.descriptor.name === names.METRIC_BUDGET_REMAINING)?.dataPoints[0]?.value;
    expect(await gauge()).toBe(4.5);
    tracker.remainingUsd = 1.25;
    expect(await gauge()).toBe(1.25);
  });

  it("a failure's duration carries error.type", async () => {
    const failing = new ChatClient(
      {},
      { baseUrl: server.baseUrl, model: "failing-model", maxRetries: 0 },
      { hooks: [otelHooks()] },
    );
    server.enqueue({ type: "error", status: 500, body: "" });
    await expect(failing.call(hello)).rejects.toThrow();
    await failing.close();
    const { resourceMetrics } = await reader.collect();
    const duration = resourceMetrics.scopeMetrics
      .flatMap((s) => s.metrics)
      .find((m) => m.descriptor.name === names.METRIC_OPERATION_DURATION);
    const point = duration?.dataPoints.find(
      (p) => p.attributes[names.GEN_AI_REQUEST_MODEL] === "failing-model",
    );
    expect(point?.attributes[names.ERROR_TYPE]).toBe("ServerError");
  });
});

describe("secrets in what telemetry records", () => {
  // Content capture on: the server's words are recorded, and must come masked.
  let capturing: ChatClient;
  beforeAll(() => {
    capturing = new ChatClient(
      {},
      { baseUrl: server.baseUrl, model: "m", apiKey: KEY, maxRetries: 1, timeoutMs: 300 },
      { hooks: [otelHooks({ captureContent: true })] },
    );
  });
  afterAll(() => capturing.close());

  it.each(ECHO_ENCODINGS)(
    "a server echoing the key (%s) leaves no trace of it on the span",
    async (encoding) => {
      server.enqueue(hostile.echoHeaders(encoding), hostile.echoHeaders(encoding));
      await capturing.call(hello).catch(() => undefined);
      const span = only();
      const recorded = JSON.stringify([span.status, span.events, span.attributes]);
      expect(recorded).toContain("invalid request headers");
      expect(recorded).not.toContain(KEY);
      expect(recorded).not.toContain(Buffer.from(KEY).toString("base64").slice(4, 24));
      expect(recorded).not.toContain(Buffer.from(KEY).toString("hex"));
    },
  );

  it("a 200 body that is not JSON and echoes the key: the exception recorded is masked", async () => {
    server.enqueue({
      type: "raw",
      headers: { "content-type": "application/json" },
      chunks: [
        `<html>${KEY.split("")
          .map((c) => `\\u00${c.charCodeAt(0).toString(16)}`)
          .join("")} ${KEY}</html>`,
      ],
    });
    await capturing.call(hello).catch(() => undefined);
    const recorded = JSON.stringify([only().status, only().events]);
    expect(recorded).toContain("not JSON");
    expect(recorded).toContain("<html>");
    expect(recorded).not.toContain(KEY);
  });
});

describe("the server's words in what telemetry records", () => {
  const DIAGNOSIS = "My secret diagnosis is XYZZY-PLUGH";
  const echoing = {
    type: "error" as const,
    status: 400,
    headers: { "x-request-id": "req_echo" },
    body: {
      error: {
        message: `Invalid content in messages[0]: '${DIAGNOSIS}' is not allowed`,
        type: "invalid_request_error",
        code: "content_not_allowed",
      },
    },
  };
  const recorded = (span: ReadableSpan) => JSON.stringify([span.status, span.events]);

  it("an error body quoting the prompt: without capture, the status, type, code and request id only", async () => {
    server.enqueue(echoing);
    await expect(llm.call(hello)).rejects.toThrow(DIAGNOSIS);
    const span = only();
    expect(span.status.message).toBe(
      "HTTP 400 (invalid_request_error, content_not_allowed): [the server's text is recorded only with content capture] (request id req_echo)",
    );
    expect(recorded(span)).not.toContain("XYZZY");
    const exception = span.events.find((e) => e.name === "exception");
    expect(exception?.attributes?.["exception.stacktrace"]).toMatch(
      /^BadRequestError: HTTP 400 .*\n\s+at /,
    );
  });

  it("a type, code or finish reason that is prose, not a word: left out without capture", async () => {
    server.enqueue({
      type: "error",
      status: 400,
      body: { error: { message: "no", type: "invalid XYZZY words", code: "PLUGH words here" } },
    });
    await expect(llm.call(hello)).rejects.toThrow();
    expect(only().status.message).toMatch(/^HTTP 400: \[the server's text/);
    expect(recorded(only())).not.toContain("XYZZY");
    exporter.reset();
    server.enqueue({
      type: "json",
      body: completionBody({ content: "ok", finishReason: "stopped because XYZZY said so" }),
    });
    await llm.call(hello);
    expect(only().attributes[names.GEN_AI_RESPONSE_FINISH_REASONS]).toEqual(["other"]);
  });

  it("an error body quoting the prompt: with capture, its words", async () => {
    const capturing = new ChatClient(
      {},
      { baseUrl: server.baseUrl, model: "m", maxRetries: 0 },
      { hooks: [otelHooks({ captureContent: true })] },
    );
    server.enqueue(echoing);
    await expect(capturing.call(hello)).rejects.toThrow();
    expect(recorded(only())).toContain(DIAGNOSIS);
    await capturing.close();
  });

  it("a structured reply that is not JSON: without capture, not quoted", async () => {
    server.enqueue({ type: "json", body: completionBody({ content: `${DIAGNOSIS}, not JSON` }) });
    await expect(llm.call({ ...hello, responseFormat: { type: "json_object" } })).rejects.toThrow(
      DIAGNOSIS,
    );
    const span = only();
    expect(span.status.message).toContain(
      "the reply is not JSON: [the server's text is recorded only with content capture]",
    );
    expect(recorded(span)).not.toContain("XYZZY");
  });

  it("a stream's error event quoting the prompt: without capture, not quoted", async () => {
    server.enqueue({
      type: "sse",
      events: [
        completionChunk({ content: "Hel" }),
        { event: "error", data: JSON.stringify(echoing.body) },
      ],
      done: false,
    });
    const stream = llm.stream(hello);
    await expect(stream.response()).rejects.toThrow(DIAGNOSIS);
    const span = only();
    expect(span.status.message).toMatch(/^HTTP 400 .*content capture/);
    expect(recorded(span)).not.toContain("XYZZY");
  });
});
