import {
  BadRequestError,
  InvalidResponseError,
  RateLimitError,
  ServerError,
} from "@loom/llm-types";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { prepareSchemaSupport } from "../../../schema/load-schema-support.js";
import { facts, jsonFixture } from "../anthropic-messages.fixture.js";
import { parseMessage } from "./parse-message.js";

describe("parseMessage on recorded bodies", () => {
  it("vercel/ai anthropic-text.json: text, stop, usage, id, model, native parts", () => {
    const response = parseMessage(jsonFixture("vercel-anthropic-text.json"), facts());
    expect(response).toEqual({
      content:
        "Hello! I'm doing well, thanks for asking. How are you doing today? Is there anything I can help you with?",
      finishReason: "stop",
      nativeFinishReason: "end_turn",
      usage: {
        promptTokens: 12,
        completionTokens: 29,
        totalTokens: 41,
        cachedPromptTokens: 0,
        cacheWriteTokens: 0,
        reasoningTokens: 0,
        reported: true,
      },
      toolCalls: [],
      model: "claude-sonnet-4-5-20250929",
      id: "msg_01VdEjxAP5ahtHKrrRdNBteQ",
      provider: "anthropic",
      message: {
        role: "assistant",
        content:
          "Hello! I'm doing well, thanks for asking. How are you doing today? Is there anything I can help you with?",
        native: {
          protocol: "anthropic-messages",
          parts: [
            {
              type: "text",
              text: "Hello! I'm doing well, thanks for asking. How are you doing today? Is there anything I can help you with?",
            },
          ],
        },
      },
    });
  });

  it("vercel/ai anthropic-clear-thinking.1.json: thinking is reasoning, its signature kept", () => {
    const body = jsonFixture("vercel-anthropic-clear-thinking.1.json") as { content: object[] };
    const response = parseMessage(body, facts());
    expect(response.reasoningContent).toBe("925 divided by 5 = 185");
    expect(response.message.reasoningContent).toBe("925 divided by 5 = 185");
    expect(response.content).toBe("925 ÷ 5 = 185");
    expect(response.message.native?.parts).toEqual(body.content);
  });

  it("vercel/ai anthropic-tool-no-args.json: text and a tool call without arguments", () => {
    const response = parseMessage(jsonFixture("vercel-anthropic-tool-no-args.json"), facts());
    expect(response.finishReason).toBe("tool_calls");
    expect(response.nativeFinishReason).toBe("tool_use");
    expect(response.content).toMatch(/^<thinking>/);
    expect(response.toolCalls).toEqual([
      {
        id: "toolu_01LRmxn9vGM1d2DZSDBowdZ1",
        name: "updateIssueList",
        arguments: {},
        rawArguments: "{}",
      },
    ]);
    expect(response.message.toolCalls).toEqual(response.toolCalls);
  });

  it("vercel/ai anthropic-json-tool.1.json: a tool call, or the reply when it is the structured-output tool", () => {
    const body = jsonFixture("vercel-anthropic-json-tool.1.json");
    const asTool = parseMessage(body, facts());
    expect(asTool.toolCalls[0]?.name).toBe("json");
    expect(asTool.content).toBe("");
    const schema = z.object({ elements: z.array(z.object({ location: z.string() })) });
    const asReply = parseMessage(body, facts({ responseFormat: { type: "json_schema", schema } }));
    expect(asReply.toolCalls).toEqual([]);
    expect(asReply.finishReason).toBe("stop");
    expect(asReply.nativeFinishReason).toBe("tool_use");
    expect(JSON.parse(asReply.content).elements).toHaveLength(4);
    // Sent back next turn as the text it is: no tool call left without its result.
    expect(asReply.message.native?.parts).toEqual([{ type: "text", text: asReply.content }]);
  });

  it("vercel/ai anthropic-mcp.1.json: server tool blocks are kept, and are no tool calls", () => {
    const body = jsonFixture("vercel-anthropic-mcp.1.json") as { content: object[] };
    const response = parseMessage(body, facts());
    expect(response.toolCalls).toEqual([]);
    expect(response.content).toMatch(/^The echo tool responded/);
    expect(response.message.native?.parts).toEqual(body.content);
  });

  it("vercel/ai anthropic-refusal.json: no content, content_filter", () => {
    const response = parseMessage(jsonFixture("vercel-anthropic-refusal.json"), facts());
    expect(response).toMatchObject({
      content: "",
      finishReason: "content_filter",
      nativeFinishReason: "refusal",
    });
  });

  it("llama.cpp's body (capture 2026-12): cache reads in the prompt, max_tokens is length", () => {
    const response = parseMessage(jsonFixture("llama-cpp-messages.json"), facts());
    expect(response).toMatchObject({
      content: "¶¶¶¶¶¶¶¶¶¶¶¶",
      finishReason: "length",
      nativeFinishReason: "max_tokens",
      model: "tiny",
      id: "chatcmpl-fsimy6BIYpCExkQIZBxTkYyiKcFk6JIN",
      usage: { promptTokens: 50, completionTokens: 12, totalTokens: 62, cachedPromptTokens: 0 },
    });
  });

  it("the Messages reference's example body", () => {
    const response = parseMessage(
      {
        content: [{ text: "Hi! My name is Claude.", type: "text" }],
        id: "msg_013Zva2CMHLNnXjNJJKqJ2EF",
        model: "claude-sonnet-4-5",
        role: "assistant",
        stop_reason: "end_turn",
        stop_sequence: null,
        type: "message",
        usage: { input_tokens: 2095, output_tokens: 503 },
      },
      { ...facts(), requestId: "req_018EeWyXxfu5pfWkrYcMdjWG" },
    );
    expect(response).toMatchObject({
      content: "Hi! My name is Claude.",
      finishReason: "stop",
      requestId: "req_018EeWyXxfu5pfWkrYcMdjWG",
      usage: { promptTokens: 2095, completionTokens: 503, totalTokens: 2598 },
    });
  });

  it("extended thinking as documented: redacted thinking kept, not reasoning; several thinking texts joined", () => {
    const content = [
      {
        type: "thinking",
        thinking: "First, ",
        signature: "WaUjzkypQ2mUEVM36O2TxuC06KN8xyfbJwyem2dw3URve",
      },
      {
        type: "redacted_thinking",
        data: "EmwKAhgBEgy3va3pzix/LafPsn4aDFIT2Xlxh0L5L8rLVyIwxtE3rAFBa8cr3qpP",
      },
      { type: "thinking", thinking: "then.", signature: "EqQBCgIYAhIM1gbcDa9GJwZA2b3h" },
      { type: "text", text: "Based on my analysis…" },
    ];
    const response = parseMessage({ type: "message", content, stop_reason: "end_turn" }, facts());
    expect(response.reasoningContent).toBe("First, then.");
    expect(response.message.native?.parts).toEqual(content);
  });
});

describe("parseMessage on odd bodies", () => {
  it("blocks that are not objects are skipped; content that is not a list is none", () => {
    const response = parseMessage(
      {
        content: [null, "x", 3, [1], { type: "text", text: "ok" }, { type: "text", text: 5 }],
        stop_reason: "end_turn",
      },
      facts(),
    );
    expect(response.content).toBe("ok");
    expect(response.message.native?.parts).toEqual([
      { type: "text", text: "ok" },
      { type: "text", text: 5 },
    ]);
    expect(parseMessage({ content: "text?", stop_reason: "end_turn" }, facts()).content).toBe("");
  });

  it("no content and no stop reason is an InvalidResponseError", () => {
    for (const body of [{}, null, "x", { id: "msg" }, { content: null, stop_reason: null }])
      expect(() => parseMessage(body, facts())).toThrow(InvalidResponseError);
  });

  it("no usage: zeros, reported false; no id or model: empty and the requested model", () => {
    const response = parseMessage({ content: [], stop_reason: "end_turn" }, facts());
    expect(response).toMatchObject({ id: "", model: "claude-test", usage: { reported: false } });
  });

  it("a tool call validated by its zod tool", async () => {
    const tools = [{ name: "weather", parameters: z.object({ city: z.string() }) }];
    // What an exchange does before sending a request with tools.
    await prepareSchemaSupport({ tools }, facts({ tools }));
    const response = parseMessage(
      {
        content: [{ type: "tool_use", id: "t", name: "weather", input: { city: 3 } }],
        stop_reason: "tool_use",
      },
      facts({ tools }),
    );
    expect(response.toolCalls[0]?.error?.name).toBe("InvalidToolArgumentsError");
  });

  it.each([
    [
      { type: "error", error: { type: "overloaded_error", message: "Overloaded" } },
      ServerError,
      529,
    ],
    [
      { type: "error", error: { type: "rate_limit_error", message: "slow down" } },
      RateLimitError,
      429,
    ],
    [
      { type: "error", error: { type: "request_too_large", message: "too big" } },
      BadRequestError,
      413,
    ],
    [jsonFixture("llama-cpp-messages-error.json"), BadRequestError, 400],
  ] as const)("an error in a 200 body is typed: %j", (body, kind, status) => {
    try {
      parseMessage(body, facts());
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(kind);
      expect((error as { status: number }).status).toBe(status);
    }
  });

  it("every text a server sends back is masked", () => {
    const KEY = "sk-ant-api03-LEAKCANARY-abcdef0123456789";
    const response = parseMessage(
      {
        id: `msg_${KEY}`,
        model: KEY,
        content: [
          { type: "thinking", thinking: `think ${KEY}`, signature: KEY },
          { type: "redacted_thinking", data: KEY },
          { type: "text", text: `say ${KEY}` },
          { type: "tool_use", id: KEY, name: KEY, input: { q: KEY, n: `\\u0073${KEY.slice(1)}` } },
          { type: "future", [KEY]: KEY },
        ],
        stop_reason: KEY,
      },
      facts({ secrets: [KEY] }),
    );
    expect(JSON.stringify(response)).not.toContain("LEAKCANARY-abcdef");
    expect(() =>
      parseMessage(
        { type: "error", error: { type: "api_error", message: KEY } },
        facts({ secrets: [KEY] }),
      ),
    ).toThrow(
      expect.objectContaining({ message: expect.not.stringContaining("LEAKCANARY-abcdef") }),
    );
  });
});
