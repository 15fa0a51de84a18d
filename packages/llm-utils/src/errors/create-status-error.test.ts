import {
  APIStatusError,
  AuthenticationError,
  BadRequestError,
  ContextLengthError,
  InsufficientBalanceError,
  type LLMErrorClass,
  NotFoundError,
  PermissionDeniedError,
  RateLimitError,
  ServerError,
} from "@loom/llm-types";
import { describe, expect, it } from "vitest";
import { createStatusError } from "./create-status-error.js";

const openAIBody = (message: string, type = "invalid_request_error", code: string | null = null) =>
  JSON.stringify({ error: { message, type, param: null, code } });

describe("createStatusError: class and retryable per status", () => {
  it.each<[number, LLMErrorClass, boolean]>([
    [400, BadRequestError, false],
    [401, AuthenticationError, false],
    [402, InsufficientBalanceError, false],
    [403, PermissionDeniedError, false],
    [404, NotFoundError, false],
    [408, APIStatusError, true],
    [409, APIStatusError, true],
    [413, BadRequestError, false],
    [418, APIStatusError, false],
    [422, BadRequestError, false],
    [429, RateLimitError, true],
    [500, ServerError, true],
    [501, ServerError, false],
    [502, ServerError, true],
    [503, ServerError, true],
    [504, ServerError, true],
    [505, ServerError, false],
    [507, ServerError, true],
    [520, ServerError, true],
    [529, ServerError, true],
  ])("%i", (status, Class, retryable) => {
    const error = createStatusError({ status, body: openAIBody("nope") });
    expect(error).toBeInstanceOf(Class);
    expect(error.constructor).toBe(Class);
    expect(error.status).toBe(status);
    expect(error.retryable).toBe(retryable);
    // The class's own default (isRetryableStatus, in @loom/llm-types) says the same.
    expect(new APIStatusError({ message: "", status }).retryable).toBe(retryable);
  });

  it.each([
    [400, true],
    [401, true],
    [503, false],
    [429, false],
  ])("x-should-retry wins over status %i (=%s)", (status, shouldRetry) => {
    expect(createStatusError({ status, body: "", shouldRetry }).retryable).toBe(shouldRetry);
  });
});

describe("createStatusError: reading bodies", () => {
  it("reads an OpenAI/DeepSeek error object and names request and provider", () => {
    const error = createStatusError({
      status: 401,
      body: openAIBody(
        "Authentication Fails (no such user)",
        "authentication_error",
        "invalid_api_key",
      ),
      provider: "deepseek",
      model: "deepseek-chat",
      requestId: "req-1",
      request: "POST https://api.deepseek.com/v1/chat/completions",
      hint: "Check DEEPSEEK_API_KEY",
    });
    expect(error.message).toBe(
      "deepseek/deepseek-chat: HTTP 401 from POST https://api.deepseek.com/v1/chat/completions: Authentication Fails (no such user). Check DEEPSEEK_API_KEY (request id req-1)",
    );
    expect(error.type).toBe("authentication_error");
    expect(error.code).toBe("invalid_api_key");
    expect(error.body).toEqual(
      JSON.parse(
        openAIBody(
          "Authentication Fails (no such user)",
          "authentication_error",
          "invalid_api_key",
        ),
      ),
    );
  });

  it("reads llama.cpp's 401 body with a numeric code", () => {
    const error = createStatusError({
      status: 401,
      body: '{"error":{"code":401,"message":"Invalid API Key","type":"authentication_error"}}',
    });
    expect(error).toBeInstanceOf(AuthenticationError);
    expect(error.message).toBe("HTTP 401: Invalid API Key");
    expect(error.code).toBe("401");
  });

  it("reads Ollama's string error", () => {
    const error = createStatusError({
      status: 404,
      body: '{"error":"model \\"llama9\\" not found"}',
    });
    expect(error).toBeInstanceOf(NotFoundError);
    expect(error.message).toBe('HTTP 404: model "llama9" not found');
  });

  it("reads a FastAPI-style detail", () => {
    expect(
      createStatusError({ status: 422, body: '{"detail":"messages: field required"}' }).message,
    ).toBe("HTTP 422: messages: field required");
  });

  it("reads Gemini's error wrapped in an array", () => {
    const body = JSON.stringify([
      {
        error: {
          code: 400,
          message:
            'Invalid JSON payload received. Unknown name "web_search_options": Cannot find field.',
          status: "INVALID_ARGUMENT",
        },
      },
    ]);
    const error = createStatusError({ status: 400, body });
    expect(error).toBeInstanceOf(BadRequestError);
    expect(error.message).toBe(
      'HTTP 400: Invalid JSON payload received. Unknown name "web_search_options": Cannot find field.',
    );
    expect(error.code).toBe("400");
  });

  it("reads a validation report: Mistral's 422 with a message object, FastAPI's detail list", () => {
    const mistral = JSON.stringify({
      object: "error",
      message: {
        detail: [
          {
            type: "extra_forbidden",
            loc: ["body", "stream_options"],
            msg: "Extra inputs are not permitted",
            input: { include_usage: true },
          },
        ],
      },
      type: "invalid_request_error",
      param: null,
      code: null,
    });
    const error = createStatusError({ status: 422, body: mistral });
    expect(error).toBeInstanceOf(BadRequestError);
    expect(error.message).toBe("HTTP 422: body.stream_options: Extra inputs are not permitted");
    const fastApi = JSON.stringify({
      detail: [{ loc: ["body", "messages"], msg: "Field required", type: "missing" }],
    });
    expect(createStatusError({ status: 422, body: fastApi }).message).toBe(
      "HTTP 422: body.messages: Field required",
    );
  });

  it("turns a proxy's HTML page into a short readable message and keeps the raw body truncated", () => {
    const html = `<html><head><title>502 Bad Gateway</title></head><body><center><h1>502 Bad Gateway</h1></center><hr><center>nginx</center>${"<!-- padding -->".repeat(1000)}</body></html>`;
    const error = createStatusError({ status: 502, body: html });
    expect(error).toBeInstanceOf(ServerError);
    expect(error.message).toBe("HTTP 502: 502 Bad Gateway 502 Bad Gateway nginx");
    expect(typeof error.body).toBe("string");
    expect((error.body as string).length).toBeLessThan(2_100);
    expect(error.body as string).toMatch(/more characters\)$/);
  });

  it("survives an empty body and broken JSON", () => {
    expect(createStatusError({ status: 500, body: "" }).message).toBe("HTTP 500");
    expect(createStatusError({ status: 500, body: "{not json" }).message).toBe(
      "HTTP 500: {not json",
    );
    expect(createStatusError({ status: 500, body: "null" }).message).toBe("HTTP 500: null");
  });

  it("truncates a very long error message", () => {
    const error = createStatusError({ status: 400, body: openAIBody("x".repeat(5000)) });
    expect(error.message.length).toBeLessThan(400);
  });

  it("carries retryAfterMs on a rate limit", () => {
    const error = createStatusError({
      status: 429,
      body: openAIBody("Rate limit reached"),
      retryAfterMs: 3_600_000,
    });
    expect(error).toBeInstanceOf(RateLimitError);
    expect((error as RateLimitError).retryAfterMs).toBe(3_600_000);
  });
});

describe("createStatusError: context length", () => {
  it("maps llama.cpp's exceed_context_size_error with its counts", () => {
    const error = createStatusError({
      status: 400,
      body: JSON.stringify({
        error: {
          code: 400,
          message: "the request exceeds the available context size, try increasing it",
          type: "exceed_context_size_error",
          n_prompt_tokens: 5000,
          n_ctx: 4096,
        },
      }),
    });
    expect(error).toBeInstanceOf(ContextLengthError);
    expect(error).toBeInstanceOf(BadRequestError);
    expect((error as ContextLengthError).promptTokens).toBe(5000);
    expect((error as ContextLengthError).contextWindow).toBe(4096);
  });

  it("maps OpenAI's context_length_exceeded code", () => {
    const error = createStatusError({
      status: 400,
      body: openAIBody(
        "This model's maximum context length is 128000 tokens.",
        "invalid_request_error",
        "context_length_exceeded",
      ),
    });
    expect(error).toBeInstanceOf(ContextLengthError);
    expect((error as ContextLengthError).promptTokens).toBeUndefined();
  });

  it("maps a vLLM/DeepSeek message that only says it in words", () => {
    const error = createStatusError({
      status: 400,
      body: openAIBody(
        "This model's maximum context length is 131072 tokens. However, you requested 140000 tokens.",
      ),
    });
    expect(error).toBeInstanceOf(ContextLengthError);
  });

  it("leaves other 400s as BadRequestError", () => {
    expect(
      createStatusError({ status: 400, body: openAIBody("Invalid 'messages'") }),
    ).not.toBeInstanceOf(ContextLengthError);
  });
});
