import {
  BadRequestError,
  InvalidResponseError,
  RateLimitError,
  ServerError,
} from "@loom/llm-types";
import { describe, expect, it } from "vitest";
import { factsWith, fixtureJson } from "../__fixtures__/replay.fixture.js";
import { parseResponse } from "./parse-response.js";

const facts = factsWith();
const parse = (body: unknown) => parseResponse(body, facts);

function failure(body: unknown): unknown {
  try {
    parse(body);
  } catch (error) {
    return error;
  }
  throw new Error("expected an error");
}

describe("recorded bodies", () => {
  it("OpenAI, a reasoning turn: summary, answer, usage with reasoning tokens, items kept", () => {
    const body = fixtureJson("vercel-openai-reasoning-encrypted-content.1.json");
    const res = parse(body);
    expect(res).toMatchObject({
      content: "12 + 7 = 19\n19 × 3 = 57\n57 × 10 = 570\n\nFinal result: 570",
      finishReason: "stop",
      model: "gpt-5-mini-2025-08-07",
      id: "resp_0f35ed53160b395301693cc957829881909359e7f80cdd20b5",
      usage: {
        promptTokens: 865,
        cachedPromptTokens: 0,
        completionTokens: 163,
        reasoningTokens: 128,
        totalTokens: 1028,
        cacheWriteTokens: 0,
        reported: true,
      },
      toolCalls: [],
    });
    expect(res.nativeFinishReason).toBeUndefined();
    expect(res.reasoningContent).toMatch(/^\*\*Reporting final result\*\*/);
    expect(res.message.reasoningContent).toBe(res.reasoningContent);
    // The output items exactly as they came: encrypted content and ids included.
    expect(res.message.native).toEqual({ protocol: "openai-responses", parts: body.output });
  });

  it("OpenAI, two messages (commentary, final answer): their text joined as the SDKs join it", () => {
    const res = parse(fixtureJson("vercel-openai-phase.1.json"));
    expect(res.content).toMatch(
      /^I’ll quickly check .* with links\.Here are some \*\*latest AI updates/s,
    );
    expect(res.usage).toMatchObject({
      promptTokens: 7243,
      cachedPromptTokens: 3072,
      reasoningTokens: 58,
    });
  });

  it("OpenAI, built-in web searches: unknown items kept in the turn only, the answer read", () => {
    const body = fixtureJson("vercel-openai-web-search-tool.1.json");
    const res = parse(body);
    expect(res.toolCalls).toEqual([]);
    expect(res.content.length).toBeGreaterThan(100);
    expect(res.message.native?.parts.map((p) => p.type)).toEqual(
      (body.output as { type: string }[]).map((i) => i.type),
    );
    // Reasoning items with empty summaries add no reasoning.
    expect(res.reasoningContent).toBeUndefined();
  });

  it("OpenAI, a function call after a tool search: the call parsed, finish tool_calls", () => {
    const res = parse(fixtureJson("vercel-openai-tool-search.1.json"));
    expect(res.finishReason).toBe("tool_calls");
    expect(res.toolCalls).toEqual([
      {
        id: "call_ytqozXvUXG8NN1b0IODxzUaE",
        name: "get_weather",
        arguments: { location: "San Francisco, CA", unit: "fahrenheit" },
        rawArguments: '{"location":"San Francisco, CA","unit":"fahrenheit"}',
      },
    ]);
    expect(res.message.toolCalls).toBe(res.toolCalls);
  });

  it("llama.cpp: text, cached tokens, no reasoning tokens", () => {
    const res = parse(fixtureJson("llama-server-text.json"));
    expect(res).toMatchObject({
      content: "¶¶¶ hello",
      finishReason: "stop",
      model: "tiny",
      usage: {
        promptTokens: 50,
        cachedPromptTokens: 49,
        completionTokens: 12,
        totalTokens: 62,
        reasoningTokens: 0,
      },
    });
  });

  it("an OpenAI error body (insufficient_quota) answered with 200: a RateLimitError", () => {
    const error = failure(fixtureJson("vercel-openai-error.1.json"));
    expect(error).toBeInstanceOf(RateLimitError);
    expect((error as Error).message).toContain("error in a 200 body");
  });

  it("a llama.cpp error body answered with 200: typed by its numeric code", () => {
    expect(failure(fixtureJson("llama-server-error.json"))).toBeInstanceOf(BadRequestError);
  });
});

describe("the API reference's shapes", () => {
  // "The response object" (API reference, Create a model response).
  const completed = {
    id: "resp_67ccd2bed1ec8190b14f964abc0542670bb6a6b452d3795b",
    object: "response",
    created_at: 1741476542,
    status: "completed",
    error: null,
    incomplete_details: null,
    model: "gpt-4.1-2025-04-14",
    output: [
      {
        type: "message",
        id: "msg_67ccd2bf17f0819081ff3bb2cf6508e60bb6a6b452d3795b",
        status: "completed",
        role: "assistant",
        content: [
          {
            type: "output_text",
            text: "In a peaceful grove beneath a silver moon...",
            annotations: [],
          },
        ],
      },
    ],
    usage: {
      input_tokens: 36,
      input_tokens_details: { cached_tokens: 0 },
      output_tokens: 87,
      output_tokens_details: { reasoning_tokens: 0 },
      total_tokens: 123,
    },
  };

  it("a completed answer", () => {
    expect(parse(completed)).toEqual({
      content: "In a peaceful grove beneath a silver moon...",
      finishReason: "stop",
      usage: {
        promptTokens: 36,
        completionTokens: 87,
        totalTokens: 123,
        cachedPromptTokens: 0,
        cacheWriteTokens: 0,
        reasoningTokens: 0,
        reported: true,
      },
      toolCalls: [],
      model: "gpt-4.1-2025-04-14",
      id: "resp_67ccd2bed1ec8190b14f964abc0542670bb6a6b452d3795b",
      provider: "fake",
      message: {
        role: "assistant",
        content: "In a peaceful grove beneath a silver moon...",
        native: { protocol: "openai-responses", parts: completed.output },
      },
    });
  });

  it("incomplete at max_output_tokens: finish length, returned with its text and usage", () => {
    const res = parse({
      ...completed,
      status: "incomplete",
      incomplete_details: { reason: "max_output_tokens" },
    });
    expect(res).toMatchObject({
      content: "In a peaceful grove beneath a silver moon...",
      finishReason: "length",
      nativeFinishReason: "max_output_tokens",
      usage: { completionTokens: 87, reported: true },
    });
  });

  it.each([
    [{ reason: "content_filter" }, "content_filter"],
    [{ reason: "a_future_reason" }, "a_future_reason"],
    [null, "incomplete"],
  ])("incomplete with %j: finish %s", (details, reason) => {
    const res = parse({ ...completed, status: "incomplete", incomplete_details: details });
    expect(res.finishReason).toBe(reason);
    expect(res.nativeFinishReason).toBeUndefined();
  });

  it("a function call (the function calling guide's example)", () => {
    const res = parse({
      status: "completed",
      output: [
        {
          type: "function_call",
          id: "fc_12345xyz",
          call_id: "call_12345xyz",
          name: "get_weather",
          arguments: '{"location":"Paris, France"}',
        },
      ],
    });
    expect(res.finishReason).toBe("tool_calls");
    expect(res.toolCalls).toEqual([
      {
        id: "call_12345xyz",
        name: "get_weather",
        arguments: { location: "Paris, France" },
        rawArguments: '{"location":"Paris, France"}',
      },
    ]);
  });

  it("a call cut by max_output_tokens keeps its raw arguments and says they were cut", () => {
    const res = parse({
      status: "incomplete",
      incomplete_details: { reason: "max_output_tokens" },
      output: [{ type: "function_call", call_id: "call_1", name: "f", arguments: '{"q": "ab' }],
    });
    expect(res.finishReason).toBe("length");
    expect(res.toolCalls[0]).toMatchObject({
      id: "call_1",
      arguments: undefined,
      rawArguments: '{"q": "ab',
    });
    expect(res.toolCalls[0]?.error?.message).toContain("cut off");
  });

  it("a refusal part is the refusal, not the answer", () => {
    const res = parse({
      status: "completed",
      output: [
        {
          type: "message",
          role: "assistant",
          content: [{ type: "refusal", refusal: "I can't help with that." }],
        },
      ],
    });
    expect(res).toMatchObject({ content: "", refusal: "I can't help with that." });
  });

  it("reasoning from summaries and from reasoning text (llama.cpp, gpt-oss)", () => {
    const res = parse({
      status: "completed",
      output: [
        {
          type: "reasoning",
          summary: [
            { type: "summary_text", text: "A." },
            { type: "summary_text", text: "B." },
          ],
        },
        { type: "reasoning", summary: [], content: [{ type: "reasoning_text", text: "C." }] },
      ],
    });
    expect(res.reasoningContent).toBe("A.\n\nB.\n\nC.");
  });

  it.each([
    ["rate_limit_exceeded", RateLimitError],
    ["server_error", ServerError],
    ["vector_store_timeout", ServerError],
    ["invalid_prompt", BadRequestError],
    ["image_content_policy_violation", BadRequestError],
  ] as const)("a failed response with %s is its typed error", (code, type) => {
    const error = failure({
      ...completed,
      status: "failed",
      error: { code, message: "it failed" },
    });
    expect(error).toBeInstanceOf(type);
    expect((error as Error).message).toContain("it failed");
  });

  it("a failed response without an error is a ServerError", () => {
    expect(failure({ status: "failed", error: null })).toBeInstanceOf(ServerError);
  });

  it("no usage: zeros, reported false", () => {
    expect(parse({ status: "completed", output: [] }).usage).toEqual({
      promptTokens: 0,
      completionTokens: 0,
      totalTokens: 0,
      cachedPromptTokens: 0,
      cacheWriteTokens: 0,
      reasoningTokens: 0,
      reported: false,
    });
  });
});

describe("odd bodies", () => {
  it("entries that are not objects are skipped, never a TypeError", () => {
    const res = parse({
      status: "completed",
      output: [
        null,
        "text",
        42,
        [],
        { type: "message", content: "not a list" },
        {
          type: "message",
          content: [null, { type: "output_text", text: 7 }, { type: "output_text", text: "ok" }],
        },
        { type: "reasoning", summary: "no", content: [null] },
        { type: "function_call", name: 3, arguments: { a: 1 } },
      ],
      usage: { input_tokens: "many", output_tokens: -3 },
    });
    expect(res.content).toBe("ok");
    expect(res.toolCalls).toMatchObject([{ name: "", arguments: { a: 1 } }]);
    expect(res.usage).toMatchObject({ promptTokens: 0, completionTokens: 0, reported: false });
    expect(res.message.native?.parts).toHaveLength(4);
  });

  it.each([null, "text", [1, 2], 42])(
    "a body that is no object (%j) is an InvalidResponseError",
    (body) => {
      expect(failure(body)).toBeInstanceOf(InvalidResponseError);
    },
  );

  it("more than 256 output items is an InvalidResponseError", () => {
    const output = Array.from({ length: 257 }, () => ({ type: "web_search_call" }));
    expect(failure({ status: "completed", output })).toBeInstanceOf(InvalidResponseError);
  });

  it("the key echoed anywhere is masked: text, reasoning, arguments, ids, model, items", () => {
    const KEY = "sk-proj-LEAK0123456789abcdefLEAK";
    const res = parseResponse(
      {
        id: `resp_${KEY}`,
        model: KEY,
        status: "incomplete",
        incomplete_details: { reason: KEY },
        output: [
          {
            type: "reasoning",
            id: KEY,
            encrypted_content: KEY,
            summary: [{ type: "summary_text", text: KEY }],
          },
          {
            type: "message",
            content: [
              { type: "output_text", text: `say ${KEY}` },
              { type: "refusal", refusal: KEY },
            ],
          },
          { type: "function_call", call_id: KEY, name: KEY, arguments: JSON.stringify({ q: KEY }) },
          { type: "future_item", payload: { deep: [KEY] } },
        ],
      },
      factsWith([KEY]),
    );
    expect(JSON.stringify(res)).not.toContain(KEY);
    expect(JSON.stringify(res)).not.toContain("0123456789abcdef");
    expect(res.toolCalls[0]?.arguments).toEqual({ q: "sk-proj-…LEAK" });
  });
});

describe("a body that is no Responses API answer", () => {
  it.each([
    ["an empty object", {}],
    ["output that is not a list", { output: "hello" }],
    ["a chat completion", { choices: [{ message: { content: "hi" } }] }],
  ])("%s: an InvalidResponseError, not an empty answer", (_name, body) => {
    const error = failure(body);
    expect(error).toBeInstanceOf(InvalidResponseError);
    expect(String(error)).toContain("neither output nor status");
  });
});
