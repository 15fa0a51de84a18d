import type { ChatRequest, LLMConfigInput, Message } from "@loom/llm-types";
import { ConfigError } from "@loom/llm-types";
import { parseConfig } from "@loom/llm-utils";
import { beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { loadSchemaSupport } from "../../../schema/schema-support.fixture.js";
import { buildRequestBody } from "./build-request-body.js";
import { DEFAULT_MAX_TOKENS } from "./resolve-max-tokens.js";

const config = (input: Partial<LLMConfigInput> = {}) =>
  parseConfig({
    baseUrl: "https://api.anthropic.com/v1",
    model: "claude-x",
    protocol: "anthropic-messages",
    ...input,
  });
const body = (request: Partial<ChatRequest>, input: Partial<LLMConfigInput> = {}, stream = false) =>
  buildRequestBody(
    config(input),
    { messages: [{ role: "user", content: "hi" }], ...request },
    stream,
  );

// Tools and response formats are converted by schema support, which an exchange loads first.
beforeAll(loadSchemaSupport);

describe("the Messages request body", () => {
  it("the smallest request: model, max_tokens always, the user's turn as a string", () => {
    expect(body({})).toEqual({
      model: "claude-x",
      max_tokens: DEFAULT_MAX_TOKENS,
      messages: [{ role: "user", content: "hi" }],
    });
    expect(DEFAULT_MAX_TOKENS).toBe(4096);
  });

  it("max_tokens: the call's, else the config's", () => {
    expect(body({ maxTokens: 100 }, { maxTokens: 200 }).max_tokens).toBe(100);
    expect(body({}, { maxTokens: 200 }).max_tokens).toBe(200);
  });

  it("options: temperature, top_p, stop sequences, metadata, stream; seed is not sent", () => {
    expect(
      body({ temperature: 0.2, topP: 0.9, stop: "END", user: "u-1", seed: 7 }, {}, true),
    ).toEqual({
      model: "claude-x",
      max_tokens: 4096,
      messages: [{ role: "user", content: "hi" }],
      temperature: 0.2,
      top_p: 0.9,
      stop_sequences: ["END"],
      metadata: { user_id: "u-1" },
      stream: true,
    });
    expect(body({ stop: ["a", "b"] }).stop_sequences).toEqual(["a", "b"]);
    expect(body({}, { temperature: 1, topP: 0.5 })).toMatchObject({ temperature: 1, top_p: 0.5 });
  });

  it("extraBody is merged last", () => {
    expect(body({ extraBody: { top_k: 5, max_tokens: 9 } })).toMatchObject({
      top_k: 5,
      max_tokens: 9,
    });
  });

  it("n > 1 is a ConfigError (one answer per request)", () => {
    expect(() => body({ n: 2 })).toThrow(ConfigError);
    expect(() => body({ n: 2 })).toThrow(/got 2/);
    expect(body({ n: 1 })).not.toHaveProperty("n");
  });

  it("system messages go to the top level, joined, wherever they stood", () => {
    const messages: Message[] = [
      { role: "system", content: "Be brief." },
      { role: "user", content: "hi" },
      { role: "system", content: "Answer in French." },
    ];
    expect(body({ messages })).toMatchObject({
      system: "Be brief.\n\nAnswer in French.",
      messages: [{ role: "user", content: "hi" }],
    });
  });

  it("a cached system message makes text blocks, the mark on its block", () => {
    const messages: Message[] = [
      { role: "system", content: "Long rules.", cache: { ttl: "1h" } },
      { role: "system", content: "Today is Monday." },
      { role: "user", content: "hi" },
    ];
    expect(body({ messages }).system).toEqual([
      { type: "text", text: "Long rules.", cache_control: { type: "ephemeral", ttl: "1h" } },
      { type: "text", text: "Today is Monday." },
    ]);
  });

  it("cache marks: on the last block of the message, a string becoming a text block", () => {
    const messages: Message[] = [
      { role: "user", content: "document", cache: true },
      { role: "assistant", content: "read", cache: true },
      {
        role: "user",
        content: [
          { type: "text", text: "look" },
          { type: "image_url", imageUrl: "https://example.com/a.png" },
        ],
        cache: { ttl: "5m" },
      },
    ];
    expect(body({ messages }).messages).toEqual([
      {
        role: "user",
        content: [{ type: "text", text: "document", cache_control: { type: "ephemeral" } }],
      },
      {
        role: "assistant",
        content: [{ type: "text", text: "read", cache_control: { type: "ephemeral" } }],
      },
      {
        role: "user",
        content: [
          { type: "text", text: "look" },
          {
            type: "image",
            source: { type: "url", url: "https://example.com/a.png" },
            cache_control: { type: "ephemeral", ttl: "5m" },
          },
        ],
      },
    ]);
  });

  it("images: data URLs as base64 sources, other URLs as url sources", () => {
    const messages: Message[] = [
      {
        role: "user",
        content: [
          { type: "image_url", imageUrl: "data:image/png;base64,iVBORw0KGgo=", detail: "high" },
          { type: "image_url", imageUrl: "data:image/svg+xml,%3Csvg%3E%3C%2Fsvg%3E" },
        ],
      },
    ];
    expect(body({ messages }).messages).toEqual([
      {
        role: "user",
        content: [
          {
            type: "image",
            source: { type: "base64", media_type: "image/png", data: "iVBORw0KGgo=" },
          },
          {
            type: "image",
            source: {
              type: "base64",
              media_type: "image/svg+xml",
              data: Buffer.from("<svg></svg>").toString("base64"),
            },
          },
        ],
      },
    ]);
  });

  it("consecutive turns of one role are merged (Anthropic requires alternation)", () => {
    const messages: Message[] = [
      { role: "user", content: "one" },
      { role: "user", content: "two" },
      { role: "assistant", content: "three" },
      { role: "assistant", content: "four" },
      { role: "user", content: "five" },
    ];
    expect(body({ messages }).messages).toEqual([
      {
        role: "user",
        content: [
          { type: "text", text: "one" },
          { type: "text", text: "two" },
        ],
      },
      {
        role: "assistant",
        content: [
          { type: "text", text: "three" },
          { type: "text", text: "four" },
        ],
      },
      { role: "user", content: "five" },
    ]);
  });

  it("a tool loop: calls as tool_use, results in one user turn that a following user message joins", () => {
    const messages: Message[] = [
      { role: "user", content: "weather?" },
      {
        role: "assistant",
        content: "Let me check.",
        toolCalls: [
          {
            id: "t1",
            name: "weather",
            arguments: { city: "Paris" },
            rawArguments: '{"city":"Paris"}',
          },
          { id: "t2", name: "time", arguments: { tz: "CET" } },
          { id: "t3", name: "broken", arguments: undefined, rawArguments: '{"city": "Par' },
        ],
      },
      { role: "tool", toolCallId: "t1", content: "sunny" },
      { role: "tool", toolCallId: "t2", content: "noon", cache: true },
      { role: "tool", toolCallId: "t3", content: "bad arguments" },
      { role: "user", content: "and tomorrow?" },
    ];
    expect(body({ messages }).messages).toEqual([
      { role: "user", content: "weather?" },
      {
        role: "assistant",
        content: [
          { type: "text", text: "Let me check." },
          { type: "tool_use", id: "t1", name: "weather", input: { city: "Paris" } },
          { type: "tool_use", id: "t2", name: "time", input: { tz: "CET" } },
          { type: "tool_use", id: "t3", name: "broken", input: {} },
        ],
      },
      {
        role: "user",
        content: [
          { type: "tool_result", tool_use_id: "t1", content: "sunny" },
          {
            type: "tool_result",
            tool_use_id: "t2",
            content: "noon",
            cache_control: { type: "ephemeral" },
          },
          { type: "tool_result", tool_use_id: "t3", content: "bad arguments" },
          { type: "text", text: "and tomorrow?" },
        ],
      },
    ]);
  });

  it("an assistant turn with only tool calls has no empty text block; one with nothing is left out", () => {
    const messages: Message[] = [
      { role: "user", content: "a" },
      { role: "assistant", content: null, toolCalls: [{ id: "t", name: "f", arguments: {} }] },
      { role: "tool", toolCallId: "t", content: "r" },
      { role: "assistant", content: "" },
      { role: "user", content: "b" },
    ];
    expect(body({ messages }).messages).toEqual([
      { role: "user", content: "a" },
      { role: "assistant", content: [{ type: "tool_use", id: "t", name: "f", input: {} }] },
      {
        role: "user",
        content: [
          { type: "tool_result", tool_use_id: "t", content: "r" },
          { type: "text", text: "b" },
        ],
      },
    ]);
  });

  it("a native turn goes back byte-exact: thinking with its signature, redacted thinking, unknown blocks", () => {
    const parts = [
      { type: "thinking", thinking: "Let me think…", signature: "EqQBCgIYAhIM1gbcDa9GJwZA2b3h" },
      { type: "redacted_thinking", data: "EmwKAhgBEgy3va3pzix/LafPsn4a" },
      { type: "server_tool_use", id: "srv_1", name: "web_search", input: { query: "x" } },
      { type: "some_future_block", payload: [1, 2] },
      { type: "text", text: "Checking." },
      { type: "tool_use", id: "toolu_1", name: "weather", input: { city: "Paris" } },
    ];
    const messages: Message[] = [
      { role: "user", content: "weather?" },
      {
        role: "assistant",
        content: "ignored: native wins",
        toolCalls: [{ id: "other", name: "other", arguments: {} }],
        reasoningContent: "ignored",
        native: { protocol: "anthropic-messages", parts },
      },
      { role: "tool", toolCallId: "toolu_1", content: "sunny" },
    ];
    const wire = body({ messages }).messages as { content: unknown }[];
    expect(JSON.stringify(wire[1]?.content)).toBe(JSON.stringify(parts));
  });

  it("a native turn of another protocol is ignored; a cache mark on a native turn skips thinking blocks", () => {
    const foreign: Message = {
      role: "assistant",
      content: "hi",
      native: {
        protocol: "openai-responses",
        parts: [{ type: "reasoning", encrypted_content: "x" }],
      },
    };
    expect(body({ messages: [{ role: "user", content: "a" }, foreign] }).messages).toEqual([
      { role: "user", content: "a" },
      { role: "assistant", content: [{ type: "text", text: "hi" }] },
    ]);
    const parts = [
      { type: "text", text: "answer" },
      { type: "thinking", thinking: "t", signature: "s" },
    ];
    const cached: Message = {
      role: "assistant",
      content: "answer",
      cache: true,
      native: { protocol: "anthropic-messages", parts },
    };
    const wire = body({ messages: [{ role: "user", content: "a" }, cached] }).messages as {
      content: unknown;
    }[];
    expect(wire[1]?.content).toEqual([
      { type: "text", text: "answer", cache_control: { type: "ephemeral" } },
      { type: "thinking", thinking: "t", signature: "s" },
    ]);
    // The caller's parts are not changed.
    expect(parts[0]).toEqual({ type: "text", text: "answer" });
  });

  it("tools: name, description, input_schema (zod or JSON Schema, an empty object by default), cache", () => {
    expect(
      body({
        tools: [
          {
            name: "weather",
            description: "Weather of a city",
            parameters: z.object({ city: z.string() }),
          },
          { name: "now", cache: true, strict: true },
        ],
      }).tools,
    ).toEqual([
      {
        name: "weather",
        description: "Weather of a city",
        input_schema: expect.objectContaining({
          type: "object",
          properties: { city: { type: "string" } },
          required: ["city"],
        }),
      },
      {
        name: "now",
        input_schema: { type: "object", properties: {} },
        cache_control: { type: "ephemeral" },
      },
    ]);
  });

  it.each([
    ["auto", { type: "auto" }],
    ["required", { type: "any" }],
    ["none", { type: "none" }],
    [{ name: "weather" }, { type: "tool", name: "weather" }],
  ] as const)("tool_choice %j", (choice, wire) => {
    expect(body({ toolChoice: choice, tools: [{ name: "weather" }] }).tool_choice).toEqual(wire);
  });

  it("reasoning: thinking with a budget, max_tokens above it, no temperature, no forced tool", () => {
    expect(
      body({
        reasoning: { effort: "low" },
        temperature: 0.5,
        topP: 0.95,
        toolChoice: "required",
        tools: [{ name: "f" }],
      }),
    ).toMatchObject({
      thinking: { type: "enabled", budget_tokens: 2048 },
      max_tokens: 2048 + 4096,
      top_p: 0.95,
      tool_choice: { type: "auto" },
    });
    expect(body({ reasoning: { effort: "low" }, temperature: 0.5 })).not.toHaveProperty(
      "temperature",
    );
    expect(body({ reasoning: { effort: "medium" } }).thinking).toEqual({
      type: "enabled",
      budget_tokens: 8192,
    });
    expect(body({ reasoning: { effort: "high" } }).thinking).toEqual({
      type: "enabled",
      budget_tokens: 24576,
    });
    expect(body({ reasoning: { effort: "minimal" } }).thinking).toEqual({
      type: "enabled",
      budget_tokens: 1024,
    });
    expect(body({ reasoning: { effort: "xhigh" } }).thinking).toEqual({
      type: "enabled",
      budget_tokens: 32768,
    });
    // A summary alone is the Responses API's: no thinking for it.
    expect(body({ reasoning: { summary: "auto" } })).not.toHaveProperty("thinking");
    // With thinking, a top_p below 0.95 is refused by Anthropic: left out; 0.95 and above kept.
    expect(body({ reasoning: { effort: "low" }, topP: 0.5 })).not.toHaveProperty("top_p");
    expect(body({ reasoning: { effort: "low" }, topP: 0.97 }).top_p).toBe(0.97);
    // No thinking at all: nothing sent, the temperature kept.
    const none = body({ reasoning: { effort: "none" }, temperature: 0.3 });
    expect(none).not.toHaveProperty("thinking");
    expect(none).toMatchObject({ temperature: 0.3, max_tokens: 4096 });
    expect(
      body({ reasoning: { budgetTokens: 3000, effort: "high" }, maxTokens: 5000 }),
    ).toMatchObject({
      thinking: { type: "enabled", budget_tokens: 3000 },
      max_tokens: 5000,
    });
    expect(
      body({ reasoning: { effort: "high" }, toolChoice: "none", tools: [{ name: "f" }] })
        .tool_choice,
    ).toEqual({
      type: "none",
    });
  });

  it("reasoning with max_tokens at or below the budget is a ConfigError naming both numbers", () => {
    expect(() => body({ reasoning: { budgetTokens: 4000 }, maxTokens: 4000 })).toThrow(ConfigError);
    expect(() => body({ reasoning: { budgetTokens: 4000 } }, { maxTokens: 1024 })).toThrow(
      /1024.*4000/,
    );
  });

  it("a user message between tool calls and their results: the results lead the user turn", () => {
    const wire = body({
      messages: [
        { role: "user", content: "go" },
        {
          role: "assistant",
          content: null,
          toolCalls: [{ id: "t1", name: "f", arguments: {}, rawArguments: "{}" }],
        },
        { role: "user", content: "note" },
        { role: "tool", toolCallId: "t1", content: "done" },
      ],
    });
    expect((wire.messages as { content: unknown }[])[2]).toEqual({
      role: "user",
      content: [
        { type: "tool_result", tool_use_id: "t1", content: "done" },
        { type: "text", text: "note" },
      ],
    });
  });

  it("a response format beside the request's own tools: any tool forced, names kept apart", () => {
    const weather = { name: "get_weather", parameters: { type: "object", properties: {} } };
    const mine = { name: "json", description: "the user's own json tool" };
    const format = { type: "json_object" as const };
    // The model may call the request's tools, and answers through the reply's tool when done.
    expect(body({ tools: [weather], responseFormat: format })).toMatchObject({
      tools: [{ name: "get_weather" }, { name: "json" }],
      tool_choice: { type: "any" },
    });
    // A tool of the request's own named `json`: the reply's tool takes another name.
    const named = body({ tools: [mine], responseFormat: format });
    expect((named.tools as { name: string }[]).map((t) => t.name)).toEqual(["json", "json_reply"]);
    // The caller's choice of one tool stays; `none` keeps the request's tools away.
    expect(
      body({ tools: [weather], toolChoice: { name: "get_weather" }, responseFormat: format })
        .tool_choice,
    ).toEqual({ type: "tool", name: "get_weather" });
    expect(
      body({ tools: [weather], toolChoice: "none", responseFormat: format }).tool_choice,
    ).toEqual({ type: "tool", name: "json" });
  });

  it("a json_schema response format is a forced tool; its name is the format's, else json", () => {
    const schema = z.object({ city: z.string() });
    const wire = body({
      responseFormat: { type: "json_schema", schema, name: "place" },
      tools: [{ name: "f" }],
    });
    expect(wire.tools).toEqual([
      { name: "f", input_schema: { type: "object", properties: {} } },
      {
        name: "place",
        description: expect.any(String),
        input_schema: expect.objectContaining({ properties: { city: { type: "string" } } }),
      },
    ]);
    // Beside a tool of the request's own, any tool call is forced (the next test).
    expect(wire.tool_choice).toEqual({ type: "any" });
    expect(wire).not.toHaveProperty("response_format");
    expect(body({ responseFormat: { type: "json_object" } })).toMatchObject({
      tools: [{ name: "json", input_schema: { type: "object" } }],
      tool_choice: { type: "tool", name: "json" },
    });
    expect(body({ responseFormat: { type: "text" } })).not.toHaveProperty("tools");
  });

  it("a response format with thinking: the tool is offered, not forced", () => {
    const wire = body({ responseFormat: { type: "json_object" }, reasoning: { effort: "low" } });
    expect(wire.tools).toEqual([expect.objectContaining({ name: "json" })]);
    expect(wire).not.toHaveProperty("tool_choice");
  });
});
