import {
  APIStatusError,
  AuthenticationError,
  BadRequestError,
  ContextLengthError,
  InsufficientBalanceError,
  NotFoundError,
  PermissionDeniedError,
  RateLimitError,
  ServerError,
} from "@loom/llm-types";
import { describe, expect, it } from "vitest";
import { ChatClient } from "./chat-client.js";
import { failure, hello, serverAndClient } from "./test-support.fixture.js";

const KEY = "sk-test-0123456789abcdefKEYKEY";
const { server, llm } = await serverAndClient({ apiKey: KEY, apiKeyEnv: "FAKE_API_KEY" });

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

  it("an `@` in the base URL's path (a model version, as Vertex writes one) leaves the host shown", async () => {
    const versioned = new ChatClient(
      {},
      { baseUrl: `${server.baseUrl}/models/m@001`, model: "m", provider: "fake", maxRetries: 0 },
    );
    server.enqueue({
      type: "error",
      status: 400,
      body: openAIError("no", "invalid_request_error"),
    });
    try {
      const error = await failure(versioned.call(hello));
      expect(error.message).toContain(
        `HTTP 400 from POST ${server.url}/v1/models/m@001/chat/completions`,
      );
    } finally {
      await versioned.close();
    }
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
