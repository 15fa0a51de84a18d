import { getEventListeners } from "node:events";
import { inspect } from "node:util";
import { completionBody, createFakeServer, type FakeServer } from "@loom/llm-testing";
import {
  AbortError,
  APIStatusError,
  AuthenticationError,
  BadRequestError,
  ConfigError,
  ConnectionError,
  ContextLengthError,
  InsufficientBalanceError,
  InvalidResponseError,
  NotFoundError,
  PermissionDeniedError,
  RateLimitError,
  ServerError,
  TimeoutError,
} from "@loom/llm-types";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { z } from "zod";
import { ChatClient } from "./chat-client.js";
import { failure, until } from "./test-support.fixture.js";

const KEY = "sk-test-0123456789abcdefKEYKEY";
const hello = { messages: [{ role: "user" as const, content: "hello" }] };

let server: FakeServer;
let llm: ChatClient;

beforeAll(async () => {
  server = await createFakeServer();
  llm = new ChatClient(
    {},
    {
      baseUrl: server.baseUrl,
      model: "test-model",
      apiKey: KEY,
      provider: "fake",
      apiKeyEnv: "FAKE_API_KEY",
      // These tests are about mapping one response; retries have their own tests.
      maxRetries: 0,
    },
  );
});
afterAll(async () => {
  await llm.close();
  await server.close();
});
beforeEach(() => server.reset());

describe("the request on the wire", () => {
  it("posts to {baseUrl}/chat/completions with the headers wire.md lists", async () => {
    server.enqueue({ type: "json", body: completionBody() });
    await llm.call(hello);
    const request = server.lastRequest;
    expect(request?.method).toBe("POST");
    expect(request?.path).toBe("/v1/chat/completions");
    expect(request?.headers["content-type"]).toBe("application/json");
    expect(request?.headers.accept).toBe("application/json");
    expect(request?.headers.authorization).toBe(`Bearer ${KEY}`);
    expect(request?.headers["user-agent"]).toMatch(/^loom-llm\/\d+\.\d+\.\d+ node\/\d+/);
  });

  it("sends no Authorization header when no key is set (local servers)", async () => {
    const local = new ChatClient(undefined, { baseUrl: server.baseUrl, model: "qwen" });
    server.enqueue({ type: "json", body: completionBody() });
    await local.call(hello);
    expect(server.lastRequest?.headers.authorization).toBeUndefined();
    await local.close();
  });

  it("sends config headers, then per-call headers over them", async () => {
    const gw = new ChatClient(
      {},
      { baseUrl: server.baseUrl, model: "m", headers: { "X-Route": "eu", "X-Team": "a" } },
    );
    server.enqueue({ type: "json", body: completionBody() });
    await gw.call({ ...hello, headers: { "X-Team": "b", "X-Trace": "t1" } });
    expect(server.lastRequest?.headers).toMatchObject({
      "x-route": "eu",
      "x-team": "b",
      "x-trace": "t1",
    });
    await gw.close();
  });

  it("rejects a per-call header value with CR/LF as a ConfigError", async () => {
    const error = await failure(llm.call({ ...hello, headers: { "X-Evil": "a\r\nInjected: 1" } }));
    expect(error).toBeInstanceOf(ConfigError);
    expect(server.requests).toHaveLength(0);
  });

  it("sends model and messages only when no option is set: no null, no undefined", async () => {
    server.enqueue({ type: "json", body: completionBody() });
    await llm.call(hello);
    expect(server.lastRequest?.body).toEqual({
      model: "test-model",
      messages: [{ role: "user", content: "hello" }],
    });
    expect(server.lastRequest?.rawBody).not.toContain("null");
  });

  it("maps every per-call option to its wire name", async () => {
    server.enqueue({ type: "json", body: completionBody({ content: '{"answer":"42"}' }) });
    const res = await llm.call({
      ...hello,
      model: "other-model",
      temperature: 0.2,
      maxTokens: 64,
      topP: 0.9,
      stop: ["\n\n"],
      seed: 7,
      user: "agent-7",
      tools: [
        {
          name: "search",
          description: "Search the web",
          parameters: { type: "object", properties: { q: { type: "string" } }, required: ["q"] },
        },
        { name: "now" },
      ],
      toolChoice: { name: "search" },
      responseFormat: {
        type: "json_schema",
        name: "answer",
        strict: true,
        schema: z.object({ answer: z.string() }),
      },
      extraBody: { top_k: 40, thinking: { type: "enabled" } },
    });
    expect(server.lastRequest?.body).toEqual({
      model: "other-model",
      messages: [{ role: "user", content: "hello" }],
      temperature: 0.2,
      max_tokens: 64,
      top_p: 0.9,
      stop: ["\n\n"],
      seed: 7,
      user: "agent-7",
      tools: [
        {
          type: "function",
          function: {
            name: "search",
            description: "Search the web",
            parameters: { type: "object", properties: { q: { type: "string" } }, required: ["q"] },
          },
        },
        {
          type: "function",
          function: { name: "now", parameters: { type: "object", properties: {} } },
        },
      ],
      tool_choice: { type: "function", function: { name: "search" } },
      response_format: {
        type: "json_schema",
        json_schema: {
          name: "answer",
          strict: true,
          schema: {
            type: "object",
            properties: { answer: { type: "string" } },
            required: ["answer"],
          },
        },
      },
      top_k: 40,
      thinking: { type: "enabled" },
    });
    expect(res.parsed).toEqual({ answer: "42" });
  });

  it.each([
    ["auto", "auto"],
    ["none", "none"],
    ["required", "required"],
  ] as const)("passes toolChoice %s through", async (choice, wire) => {
    server.enqueue({ type: "json", body: completionBody() });
    await llm.call({ ...hello, tools: [{ name: "t" }], toolChoice: choice });
    expect(server.lastJson().tool_choice).toBe(wire);
  });

  it("uses the config's temperature and maxTokens unless the call overrides them", async () => {
    const tuned = new ChatClient(
      {},
      { baseUrl: server.baseUrl, model: "m", temperature: 0.8, maxTokens: 4096 },
    );
    server.enqueue(
      { type: "json", body: completionBody() },
      { type: "json", body: completionBody() },
    );
    await tuned.call(hello);
    expect(server.lastRequest?.body).toMatchObject({ temperature: 0.8, max_tokens: 4096 });
    await tuned.call({ ...hello, temperature: 0, maxTokens: 1 });
    expect(server.lastRequest?.body).toMatchObject({ temperature: 0, max_tokens: 1 });
    await tuned.close();
  });

  it("maps a tool-calling conversation to the wire's message shape", async () => {
    server.enqueue({ type: "json", body: completionBody() });
    await llm.call({
      messages: [
        { role: "system", content: "Be brief.", name: "rules" },
        {
          role: "user",
          content: [
            { type: "text", text: "What is this?" },
            { type: "image_url", imageUrl: "data:image/png;base64,AAAA", detail: "low" },
          ],
        },
        {
          role: "assistant",
          content: null,
          toolCalls: [{ id: "call_a", name: "look", arguments: { zoom: 2 } }],
        },
        { role: "tool", toolCallId: "call_a", content: "a cat" },
        { role: "assistant", content: null },
      ],
    });
    expect(server.lastJson().messages).toEqual([
      { role: "system", content: "Be brief.", name: "rules" },
      {
        role: "user",
        content: [
          { type: "text", text: "What is this?" },
          { type: "image_url", image_url: { url: "data:image/png;base64,AAAA", detail: "low" } },
        ],
      },
      {
        role: "assistant",
        content: null,
        tool_calls: [
          { id: "call_a", type: "function", function: { name: "look", arguments: '{"zoom":2}' } },
        ],
      },
      { role: "tool", tool_call_id: "call_a", content: "a cat" },
      { role: "assistant", content: "" },
    ]);
  });

  it("sends a previous response's message back unchanged, arguments byte for byte", async () => {
    server.enqueue({
      type: "json",
      body: completionBody({ toolCalls: [{ id: "call_9", name: "f", arguments: '{ "x" : 1 }' }] }),
    });
    const first = await llm.call(hello);
    server.enqueue({ type: "json", body: completionBody() });
    await llm.call({
      messages: [
        ...hello.messages,
        first.message,
        { role: "tool", toolCallId: "call_9", content: "ok" },
      ],
    });
    const messages = server.lastJson().messages as unknown[];
    expect(messages[1]).toEqual({
      role: "assistant",
      content: "",
      tool_calls: [
        { id: "call_9", type: "function", function: { name: "f", arguments: '{ "x" : 1 }' } },
      ],
    });
  });
});

describe("the response", () => {
  it("is parsed into content, finish reason, usage, model, id, request id and message", async () => {
    server.enqueue({
      type: "json",
      body: completionBody({ content: "Hi!", model: "test-model-2026", id: "chatcmpl-1" }),
      headers: { "x-request-id": "req_abc" },
    });
    const res = await llm.call(hello);
    expect(res).toEqual({
      content: "Hi!",
      finishReason: "stop",
      usage: {
        promptTokens: 10,
        completionTokens: 5,
        totalTokens: 15,
        cachedPromptTokens: 0,
        reasoningTokens: 0,
        reported: true,
      },
      toolCalls: [],
      model: "test-model-2026",
      id: "chatcmpl-1",
      requestId: "req_abc",
      provider: "fake",
      attempts: 1,
      message: { role: "assistant", content: "Hi!" },
    });
  });

  it("reports zeros and reported: false when the server sends no usage", async () => {
    server.enqueue({ type: "json", body: completionBody({ usage: null }) });
    const res = await llm.call(hello);
    expect(res.usage).toEqual({
      promptTokens: 0,
      completionTokens: 0,
      totalTokens: 0,
      cachedPromptTokens: 0,
      reasoningTokens: 0,
      reported: false,
    });
  });

  it("maps DeepSeek's cache hits and reasoning tokens", async () => {
    server.enqueue({
      type: "json",
      body: completionBody({
        usage: {
          prompt_tokens: 100,
          completion_tokens: 40,
          total_tokens: 140,
          prompt_cache_hit_tokens: 64,
          prompt_cache_miss_tokens: 36,
          completion_tokens_details: { reasoning_tokens: 30 },
        },
      }),
    });
    const res = await llm.call(hello);
    expect(res.usage).toMatchObject({
      cachedPromptTokens: 64,
      reasoningTokens: 30,
      reported: true,
    });
  });

  it('gives content "" and parsed tool calls when content is null', async () => {
    server.enqueue({
      type: "json",
      body: completionBody({
        toolCalls: [
          { id: "call_1", name: "get_weather", arguments: { city: "Paris" } },
          { id: "call_2", name: "get_time", arguments: { tz: "CET" } },
        ],
      }),
    });
    const res = await llm.call(hello);
    expect(res.content).toBe("");
    expect(res.finishReason).toBe("tool_calls");
    expect(res.toolCalls).toEqual([
      {
        id: "call_1",
        name: "get_weather",
        arguments: { city: "Paris" },
        rawArguments: '{"city":"Paris"}',
      },
      { id: "call_2", name: "get_time", arguments: { tz: "CET" }, rawArguments: '{"tz":"CET"}' },
    ]);
    expect(res.message.toolCalls).toEqual(res.toolCalls);
  });

  it('makes up unique ids for llama.cpp\'s empty tool-call ids (content "" variant)', async () => {
    server.enqueue({
      type: "json",
      body: completionBody({
        content: "",
        toolCalls: [
          { id: "", name: "a", arguments: {} },
          { id: "", name: "b", arguments: {} },
        ],
      }),
    });
    const res = await llm.call(hello);
    const [a, b] = res.toolCalls;
    expect(a?.id).toMatch(/^call_\d+$/);
    expect(b?.id).toMatch(/^call_\d+$/);
    expect(a?.id).not.toBe(b?.id);
  });

  it("treats empty tool arguments as {}", async () => {
    server.enqueue({
      type: "json",
      body: completionBody({ toolCalls: [{ id: "c", name: "now", arguments: "" }] }),
    });
    expect((await llm.call(hello)).toolCalls[0]?.arguments).toEqual({});
  });

  it("raises InvalidResponseError keeping the raw arguments when they are not JSON", async () => {
    server.enqueue({
      type: "json",
      body: completionBody({ toolCalls: [{ id: "c", name: "f", arguments: '{"city": "Par' }] }),
    });
    const error = await failure(llm.call(hello));
    expect(error).toBeInstanceOf(InvalidResponseError);
    expect((error as InvalidResponseError).raw).toBe('{"city": "Par');
    expect(error.message).toContain('Tool call "f"');
  });

  it.each([
    ["reasoning_content (DeepSeek)", { reasoning_content: "Think first." }],
    ["reasoning (newer vLLM)", { reasoning: "Think first." }],
  ])("reads %s", async (_name, field) => {
    const body = completionBody({ content: "42" });
    Object.assign((body.choices as { message: object }[])[0]?.message ?? {}, field);
    server.enqueue({ type: "json", body });
    const res = await llm.call(hello);
    expect(res.reasoningContent).toBe("Think first.");
    expect(res.message.reasoningContent).toBe("Think first.");
  });

  it("keeps a null finish reason as null (some local servers)", async () => {
    server.enqueue({ type: "json", body: completionBody({ finishReason: null }) });
    expect((await llm.call(hello)).finishReason).toBeNull();
  });

  it("reports the model the server names, not the one requested (llama.cpp names the file)", async () => {
    server.enqueue({ type: "json", body: completionBody({ model: "models/tiny.gguf" }) });
    expect((await llm.call(hello)).model).toBe("models/tiny.gguf");
  });

  it("raises InvalidResponseError for a body that is not JSON", async () => {
    server.enqueue({
      type: "json",
      body: "<html>oops</html>",
      headers: { "content-type": "text/html" },
    });
    const error = await failure(llm.call(hello));
    expect(error).toBeInstanceOf(InvalidResponseError);
    expect(error.message).toContain("not JSON: <html>oops</html>");
  });

  it("raises InvalidResponseError for JSON without choices", async () => {
    server.enqueue({ type: "json", body: { object: "chat.completion", choices: [] } });
    expect(await failure(llm.call(hello))).toBeInstanceOf(InvalidResponseError);
  });

  it("refuses a body over maxResponseBytes", async () => {
    const small = new ChatClient(
      {},
      { baseUrl: server.baseUrl, model: "m", maxResponseBytes: 1024 },
    );
    server.enqueue({ type: "json", body: completionBody({ content: "x".repeat(5000) }) });
    const error = await failure(small.call(hello));
    expect(error).toBeInstanceOf(InvalidResponseError);
    expect(error.message).toContain("maxResponseBytes (1024)");
    await small.close();
  });
});

describe("error responses become typed errors", () => {
  const openAIError = (message: string, type: string, code: string | null = null) => ({
    error: { message, type, param: null, code },
  });

  it("401 with an OpenAI body: AuthenticationError naming provider, model, URL and env var, never the key", async () => {
    server.enqueue({
      type: "error",
      status: 401,
      body: openAIError("Incorrect API key provided", "invalid_request_error", "invalid_api_key"),
      headers: { "x-request-id": "req_401" },
    });
    const error = await failure(llm.call(hello));
    expect(error).toBeInstanceOf(AuthenticationError);
    expect(error).toMatchObject({
      status: 401,
      provider: "fake",
      model: "test-model",
      requestId: "req_401",
      retryable: false,
      code: "invalid_api_key",
    });
    expect(error.message).toBe(
      `fake/test-model: HTTP 401 from POST ${server.url}/v1/chat/completions: Incorrect API key provided. Check the key in FAKE_API_KEY (request id req_401)`,
    );
    expect(error.message).not.toContain(KEY);
  });

  it("401 from llama.cpp's --api-key", async () => {
    server.enqueue({
      type: "error",
      status: 401,
      body: { error: { code: 401, message: "Invalid API Key", type: "authentication_error" } },
    });
    const error = await failure(llm.call(hello));
    expect(error).toBeInstanceOf(AuthenticationError);
    expect(error.message).toContain("Invalid API Key");
  });

  it.each<[number, unknown, new (...args: never[]) => APIStatusError, boolean]>([
    [400, openAIError("Invalid 'messages'", "invalid_request_error"), BadRequestError, false],
    [402, openAIError("Insufficient Balance", "unknown_error"), InsufficientBalanceError, false],
    [403, openAIError("Not allowed", "permission_error"), PermissionDeniedError, false],
    [404, { error: 'model "llama9" not found, try pulling it first' }, NotFoundError, false],
    [422, openAIError("Invalid parameters", "invalid_request_error"), BadRequestError, false],
    [429, openAIError("Rate limit reached", "rate_limit_error"), RateLimitError, true],
    [500, openAIError("Internal error", "server_error"), ServerError, true],
    [503, openAIError("Server overloaded", "server_error"), ServerError, true],
    [418, "I'm a teapot", APIStatusError, false],
  ])("%i", async (status, body, Class, retryable) => {
    server.enqueue({ type: "error", status, body });
    const error = await failure(llm.call(hello));
    expect(error).toBeInstanceOf(Class);
    expect(error).toMatchObject({ status, retryable });
  });

  it("400 over the context window from llama.cpp: ContextLengthError with the counts", async () => {
    server.enqueue({
      type: "error",
      status: 400,
      body: {
        error: {
          code: 400,
          message: "the request exceeds the available context size, try increasing it",
          type: "exceed_context_size_error",
          n_prompt_tokens: 9000,
          n_ctx: 4096,
        },
      },
    });
    const error = await failure(llm.call(hello));
    expect(error).toBeInstanceOf(ContextLengthError);
    expect(error).toMatchObject({ promptTokens: 9000, contextWindow: 4096 });
  });

  it("400 context_length_exceeded from OpenAI: ContextLengthError", async () => {
    server.enqueue({
      type: "error",
      status: 400,
      body: openAIError(
        "This model's maximum context length is 128000 tokens.",
        "invalid_request_error",
        "context_length_exceeded",
      ),
    });
    expect(await failure(llm.call(hello))).toBeInstanceOf(ContextLengthError);
  });

  it.each([
    ["Retry-After seconds", { "retry-after": "20" }, 20_000],
    ["retry-after-ms", { "retry-after-ms": "1500", "retry-after": "2" }, 1_500],
  ])("429 carries retryAfterMs from %s", async (_name, headers, expected) => {
    server.enqueue({
      type: "error",
      status: 429,
      body: openAIError("slow down", "rate_limit_error"),
      headers,
    });
    const error = await failure(llm.call(hello));
    expect((error as RateLimitError).retryAfterMs).toBe(expected);
  });

  it("429 with Retry-After as an HTTP date", async () => {
    const at = new Date(Date.now() + 60_000).toUTCString();
    server.enqueue({ type: "error", status: 429, body: "", headers: { "retry-after": at } });
    const error = (await failure(llm.call(hello))) as RateLimitError;
    expect(error.retryAfterMs).toBeGreaterThan(55_000);
    expect(error.retryAfterMs).toBeLessThanOrEqual(60_000);
  });

  it("x-should-retry overrides the status", async () => {
    server.enqueue({
      type: "error",
      status: 503,
      body: "",
      headers: { "x-should-retry": "false" },
    });
    expect((await failure(llm.call(hello))).retryable).toBe(false);
    server.enqueue({ type: "error", status: 400, body: "", headers: { "x-should-retry": "true" } });
    expect((await failure(llm.call(hello))).retryable).toBe(true);
  });

  it("an HTML 502 page from a proxy: ServerError with a readable message and the raw body truncated", async () => {
    const page = `<html><head><title>502 Bad Gateway</title></head><body><h1>502 Bad Gateway</h1>${"x".repeat(10_000)}</body></html>`;
    server.enqueue({ type: "error", status: 502, body: page });
    const error = (await failure(llm.call(hello))) as ServerError;
    expect(error).toBeInstanceOf(ServerError);
    expect(error.message).toContain("502 Bad Gateway");
    expect(error.message.length).toBeLessThan(600);
    expect(String(error.body).length).toBeLessThan(2_100);
  });

  it("a 3xx is not followed (the key must not go to another origin): an APIStatusError", async () => {
    server.enqueue({
      type: "error",
      status: 307,
      body: "",
      headers: { location: "http://example.com/steal" },
    });
    const error = await failure(llm.call(hello));
    expect(error).toBeInstanceOf(APIStatusError);
    expect(server.requests).toHaveLength(1);
  });
});

describe("transport failures", () => {
  it("connection refused: ConnectionError with the code", async () => {
    const closed = await createFakeServer();
    const baseUrl = closed.baseUrl;
    await closed.close();
    const dead = new ChatClient({}, { baseUrl, model: "m", apiKey: KEY });
    const error = await failure(dead.call(hello));
    expect(error).toBeInstanceOf(ConnectionError);
    expect(error).toMatchObject({ code: "ECONNREFUSED", retryable: true });
    expect(error.message).toContain(`POST ${baseUrl}/chat/completions failed: connection refused`);
    expect(error.message).not.toContain(KEY);
    await dead.close();
  });

  it("a server that never answers: TimeoutError after timeoutMs", async () => {
    server.enqueue({ type: "hang" });
    const started = performance.now();
    const error = await failure(llm.call({ ...hello, timeoutMs: 300 }));
    const elapsed = performance.now() - started;
    expect(error).toBeInstanceOf(TimeoutError);
    expect(error).toMatchObject({ phase: "headers", timeoutMs: 300, retryable: true });
    expect(elapsed).toBeGreaterThanOrEqual(290);
  });

  it("a deadline bounds the whole call", async () => {
    server.enqueue({ type: "hang" });
    const error = await failure(llm.call({ ...hello, deadlineMs: 150 }));
    expect(error).toBeInstanceOf(TimeoutError);
    expect(error).toMatchObject({ phase: "deadline", timeoutMs: 150 });
  });

  it("a signal aborted before the call: AbortError, nothing sent", async () => {
    const error = await failure(llm.call({ ...hello, signal: AbortSignal.abort() }));
    expect(error).toBeInstanceOf(AbortError);
    expect(error.retryable).toBe(false);
    expect(server.requests).toHaveLength(0);
  });

  it("aborting while waiting for the server: AbortError at once", async () => {
    server.enqueue({ type: "hang" });
    const controller = new AbortController();
    const pending = failure(llm.call({ ...hello, signal: controller.signal }));
    await new Promise((resolve) => setTimeout(resolve, 50));
    const started = performance.now();
    controller.abort();
    const error = await pending;
    expect(error).toBeInstanceOf(AbortError);
    expect(performance.now() - started).toBeLessThan(1_000);
  });

  it("a long-lived signal collects no listener per call", async () => {
    const controller = new AbortController();
    server.setFallback({ type: "json", body: completionBody() });
    for (let i = 0; i < 50; i++) await llm.call({ ...hello, signal: controller.signal });
    server.setFallback(undefined);
    expect(getEventListeners(controller.signal, "abort")).toHaveLength(0);
  });
});

describe("connections", () => {
  // A server of their own: the shared one has other providers' sockets open.
  it("100 sequential calls open exactly one connection", async () => {
    const own = await createFakeServer({ fallback: { type: "json", body: completionBody() } });
    const pooled = new ChatClient({}, { baseUrl: own.baseUrl, model: "m" });
    for (let i = 0; i < 100; i++) await pooled.call(hello);
    expect(own.requests).toHaveLength(100);
    expect(own.connectionCount).toBe(1);
    await pooled.close();
    await own.close();
  });

  it("close() releases the pool; a later call fails with ConnectionError", async () => {
    const own = await createFakeServer({ fallback: { type: "json", body: completionBody() } });
    const closing = new ChatClient({}, { baseUrl: own.baseUrl, model: "m" });
    await closing.call(hello);
    expect(own.openConnections).toBe(1);
    await closing.close();
    await until(() => own.openConnections === 0);
    expect(own.openConnections).toBe(0);
    expect(await failure(closing.call(hello))).toBeInstanceOf(ConnectionError);
    await own.close();
  });
});

describe("the key never shows", () => {
  it.each([
    ["String", () => String(llm)],
    ["JSON.stringify", () => JSON.stringify(llm)],
    ["util.inspect", () => inspect(llm, { depth: 10, showHidden: true })],
    ["config via inspect", () => inspect(llm.config)],
    ["config via JSON", () => JSON.stringify(llm.config)],
  ])("%s", (_name, print) => {
    const text = print();
    expect(text).not.toContain(KEY);
    // Not even the middle of it.
    expect(text).not.toContain("0123456789abcdef");
  });

  it("shows it redacted", () => {
    expect(JSON.stringify(llm)).toContain("sk-test-…YKEY");
    expect(inspect(llm)).toContain("sk-test-…YKEY");
  });

  it("rejects a bad config at construction", () => {
    expect(
      () =>
        new ChatClient({}, { baseUrl: "http://remote.example.com/v1", model: "m", apiKey: KEY }),
    ).toThrow(ConfigError);
  });
});
