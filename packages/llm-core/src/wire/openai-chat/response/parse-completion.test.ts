import { completionBody } from "@loom/llm-testing";
import { InvalidResponseError } from "@loom/llm-types";
import { describe, expect, it } from "vitest";
import { ChatClient } from "../../../chat-client.js";
import { failure, hello, serverAndClient } from "../../../test-support.fixture.js";

const KEY = "sk-test-0123456789abcdefKEYKEY";
const { server, llm } = await serverAndClient({ apiKey: KEY, apiKeyEnv: "FAKE_API_KEY" });

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
        cacheWriteTokens: 0,
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
      cacheWriteTokens: 0,
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

  it("arguments that are not JSON: the call is kept, with its raw arguments and an error", async () => {
    server.enqueue({
      type: "json",
      body: completionBody({ toolCalls: [{ id: "c", name: "f", arguments: '{"city": "Par' }] }),
    });
    const res = await llm.call(hello);
    expect(res.toolCalls[0]).toMatchObject({
      id: "c",
      name: "f",
      arguments: undefined,
      rawArguments: '{"city": "Par',
    });
    expect(res.toolCalls[0]?.error?.message).toContain("the arguments are not valid JSON");
  });

  it("a tool call cut by max_tokens is returned, not thrown: usage kept, the error says it was cut", async () => {
    server.enqueue({
      type: "json",
      body: completionBody({
        toolCalls: [{ id: "c", name: "f", arguments: '{"city": "Par' }],
        finishReason: "length",
        usage: { prompt_tokens: 10, completion_tokens: 16, total_tokens: 26 },
      }),
    });
    const res = await llm.call(hello);
    expect(res.finishReason).toBe("length");
    expect(res.usage.completionTokens).toBe(16);
    expect(res.toolCalls[0]?.error?.feedback).toContain("cut off before they were complete");
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
