import type { AssistantMessage, ChatRequest, LLMConfigInput, Message } from "@loom/llm-types";
import { ConfigError } from "@loom/llm-types";
import { parseConfig } from "@loom/llm-utils";
import { beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { loadSchemaSupport } from "../../../schema/schema-support.fixture.js";
import { factsWith, fixtureJson } from "../__fixtures__/replay.fixture.js";
import { parseResponse } from "../response/parse-response.js";
import { buildRequestBody } from "./build-request-body.js";

const config = (input: Partial<LLMConfigInput> = {}) =>
  parseConfig({
    baseUrl: "http://127.0.0.1:1/v1",
    model: "gpt-4.1",
    protocol: "openai-responses",
    ...input,
  });
const body = (request: ChatRequest, stream = false, input: Partial<LLMConfigInput> = {}) =>
  buildRequestBody(config(input), request, stream);
const hello: Message[] = [{ role: "user", content: "hello" }];

// Tools and response formats are converted by schema support, which an exchange loads first.
beforeAll(loadSchemaSupport);

describe("the request body", () => {
  it("holds the model, the input and stateless storage only when no option is set", () => {
    expect(body({ messages: hello })).toEqual({
      model: "gpt-4.1",
      input: [{ role: "user", content: "hello" }],
      store: false,
    });
    expect(body({ messages: hello }, true)).toMatchObject({ stream: true });
  });

  it("maps every option to its Responses name", () => {
    expect(
      body({
        messages: hello,
        model: "o4-mini",
        temperature: 0.2,
        topP: 0.9,
        maxTokens: 64,
        user: "agent-7",
        reasoning: { effort: "high", summary: "auto", budgetTokens: 4096 },
        tools: [
          {
            name: "search",
            description: "Search the web",
            parameters: { type: "object", properties: { q: { type: "string" } }, required: ["q"] },
          },
          { name: "now" },
        ],
        toolChoice: { name: "search" },
      }),
    ).toEqual({
      model: "o4-mini",
      input: [{ role: "user", content: "hello" }],
      tools: [
        {
          type: "function",
          name: "search",
          description: "Search the web",
          parameters: { type: "object", properties: { q: { type: "string" } }, required: ["q"] },
          // Said outright: the Responses API takes a tool without `strict` as strict.
          strict: false,
        },
        {
          type: "function",
          name: "now",
          parameters: { type: "object", properties: {} },
          strict: false,
        },
      ],
      tool_choice: { type: "function", name: "search" },
      max_output_tokens: 64,
      temperature: 0.2,
      top_p: 0.9,
      // No budget: the API sizes reasoning by effort alone.
      reasoning: { effort: "high", summary: "auto" },
      user: "agent-7",
      store: false,
      include: ["reasoning.encrypted_content"],
    });
  });

  it("uses the config's temperature, topP and maxTokens unless the call overrides them", () => {
    const tuned = { temperature: 0.8, topP: 0.5, maxTokens: 4096 };
    expect(body({ messages: hello }, false, tuned)).toMatchObject({
      temperature: 0.8,
      top_p: 0.5,
      max_output_tokens: 4096,
    });
    expect(body({ messages: hello, temperature: 0, maxTokens: 1 }, false, tuned)).toMatchObject({
      temperature: 0,
      max_output_tokens: 1,
    });
  });

  it.each(["auto", "none", "required"] as const)("passes toolChoice %s through", (choice) => {
    expect(body({ messages: hello, tools: [{ name: "t" }], toolChoice: choice }).tool_choice).toBe(
      choice,
    );
  });

  it("a strict tool gets a closed schema and says strict; a non-strict one says so", () => {
    const [strict, loose] = body({
      messages: hello,
      tools: [
        {
          name: "a",
          strict: true,
          parameters: z.object({ q: z.string(), n: z.number().optional() }),
        },
        {
          name: "b",
          strict: false,
          parameters: { type: "object", properties: { q: { type: "string" } } },
        },
      ],
    }).tools as Record<string, unknown>[];
    expect(strict).toMatchObject({
      strict: true,
      parameters: {
        type: "object",
        properties: { q: { type: "string" }, n: { type: ["number", "null"] } },
        required: ["q", "n"],
        additionalProperties: false,
      },
    });
    expect(loose).toEqual({
      type: "function",
      name: "b",
      strict: false,
      parameters: { type: "object", properties: { q: { type: "string" } } },
    });
  });

  it("a json_schema format is text.format, flat and strict unless it says otherwise", () => {
    const schema = z.object({ answer: z.string() });
    expect(body({ messages: hello, responseFormat: { type: "json_schema", schema } }).text).toEqual(
      {
        format: {
          type: "json_schema",
          name: "response",
          strict: true,
          schema: {
            type: "object",
            properties: { answer: { type: "string" } },
            required: ["answer"],
            additionalProperties: false,
          },
        },
      },
    );
    const open = { type: "object", properties: { a: { type: "string" } } };
    expect(
      body({
        messages: hello,
        responseFormat: { type: "json_schema", name: "r", schema: open, strict: false },
      }).text,
    ).toEqual({ format: { type: "json_schema", name: "r", schema: open, strict: false } });
    expect(body({ messages: hello, responseFormat: { type: "json_object" } }).text).toEqual({
      format: { type: "json_object" },
    });
    expect(body({ messages: hello, responseFormat: { type: "text" } })).not.toHaveProperty("text");
  });

  it("asks for encrypted reasoning only with reasoning set or from a reasoning model", () => {
    const include = (model: string, request: Partial<ChatRequest> = {}) =>
      body({ messages: hello, model, ...request }).include;
    for (const model of [
      "o1",
      "o3-mini",
      "o4-mini",
      "gpt-5",
      "gpt-5.1-codex-max",
      "codex-mini-latest",
      "openai/o3",
    ])
      expect(include(model), model).toEqual(["reasoning.encrypted_content"]);
    // gpt-4o answers 400 "Encrypted content is not supported with this model."
    for (const model of ["gpt-4o", "gpt-4.1-mini", "tiny", "qwen3"])
      expect(include(model), model).toBeUndefined();
    expect(include("qwen3", { reasoning: { effort: "low" } })).toEqual([
      "reasoning.encrypted_content",
    ]);
  });

  it("leaves out stop and seed, which the API does not have", () => {
    const wire = body({ messages: hello, stop: ["\n"], seed: 7 });
    expect(wire).not.toHaveProperty("stop");
    expect(wire).not.toHaveProperty("seed");
  });

  it("refuses n > 1 with a ConfigError: one response per request", () => {
    expect(() => body({ messages: hello, n: 2 })).toThrow(ConfigError);
    expect(body({ messages: hello, n: 1 })).not.toHaveProperty("n");
  });

  it("merges extraBody last: store true restores server-side state", () => {
    expect(body({ messages: hello, extraBody: { store: true, truncation: "auto" } })).toMatchObject(
      {
        store: true,
        truncation: "auto",
      },
    );
  });
});

describe("the conversation as input items", () => {
  it("system messages become the instructions; user parts, assistant turns and tool results become items", () => {
    const wire = body({
      messages: [
        { role: "system", content: "Be brief.", name: "rules" },
        {
          role: "user",
          content: [
            { type: "text", text: "What is this?" },
            { type: "image_url", imageUrl: "data:image/png;base64,AAAA", detail: "low" },
            { type: "image_url", imageUrl: "https://example.com/cat.png" },
          ],
        },
        {
          role: "assistant",
          content: "Let me look.",
          toolCalls: [
            { id: "call_a", name: "look", arguments: { zoom: 2 } },
            { id: "call_b", name: "find", arguments: undefined, rawArguments: '{ "x" : 1 }' },
          ],
        },
        { role: "tool", toolCallId: "call_a", content: "a cat" },
        { role: "tool", toolCallId: "call_b", content: "found" },
        { role: "system", content: "Answer in French." },
        { role: "assistant", content: "" },
        { role: "assistant", content: null },
        { role: "user", content: "Well?" },
      ],
    });
    expect(wire.instructions).toBe("Be brief.\n\nAnswer in French.");
    expect(wire.input).toEqual([
      {
        role: "user",
        content: [
          { type: "input_text", text: "What is this?" },
          { type: "input_image", image_url: "data:image/png;base64,AAAA", detail: "low" },
          { type: "input_image", image_url: "https://example.com/cat.png", detail: "auto" },
        ],
      },
      {
        type: "message",
        role: "assistant",
        content: [{ type: "output_text", text: "Let me look." }],
      },
      { type: "function_call", call_id: "call_a", name: "look", arguments: '{"zoom":2}' },
      { type: "function_call", call_id: "call_b", name: "find", arguments: '{ "x" : 1 }' },
      { type: "function_call_output", call_id: "call_a", output: "a cat" },
      { type: "function_call_output", call_id: "call_b", output: "found" },
      { role: "user", content: "Well?" },
    ]);
  });

  it("a tool loop sends the reasoning item back with its encrypted content, byte for byte", () => {
    // A recorded OpenAI turn: a reasoning item with encrypted content, then a message.
    const first = parseResponse(
      fixtureJson("vercel-openai-reasoning-encrypted-content.1.json"),
      factsWith(),
    );
    const turn: AssistantMessage = {
      ...first.message,
      native: {
        protocol: "openai-responses",
        parts: [
          ...(first.message.native?.parts ?? []),
          {
            type: "function_call",
            id: "fc_1",
            call_id: "call_1",
            name: "calculator",
            arguments: '{"a":1}',
            status: "completed",
          },
        ],
      },
    };
    const wire = body({
      messages: [...hello, turn, { role: "tool", toolCallId: "call_1", content: "2" }],
      model: "gpt-5-mini",
    });
    const [reasoning, message, call] = (first.message.native?.parts ?? []).concat(
      turn.native?.parts.slice(2) ?? [],
    );
    const { id: _r, ...reasoningWithoutId } = reasoning as Record<string, unknown>;
    const { id: _m, ...messageWithoutId } = message as Record<string, unknown>;
    const { id: _c, ...callWithoutId } = call as Record<string, unknown>;
    expect(wire.input).toEqual([
      { role: "user", content: "hello" },
      // Stateless: no item ids (nothing is stored to refer to); everything else as it came.
      reasoningWithoutId,
      messageWithoutId,
      callWithoutId,
      { type: "function_call_output", call_id: "call_1", output: "2" },
    ]);
    expect(JSON.stringify(wire.input)).toContain(
      (reasoning as { encrypted_content: string }).encrypted_content,
    );
  });

  it("with store true the items go back exactly as they came, ids included", () => {
    const first = parseResponse(
      fixtureJson("vercel-openai-reasoning-encrypted-content.1.json"),
      factsWith(),
    );
    const wire = body({ messages: [...hello, first.message], extraBody: { store: true } });
    expect((wire.input as unknown[]).slice(1)).toEqual(first.message.native?.parts);
  });

  it("a reasoning item a stateless server cannot resume from is left out; unknown items pass", () => {
    const turn: AssistantMessage = {
      role: "assistant",
      content: "",
      native: {
        protocol: "openai-responses",
        parts: [
          { type: "reasoning", id: "rs_1", summary: [{ type: "summary_text", text: "hm" }] },
          { type: "reasoning", id: "rs_2", summary: [], encrypted_content: null },
          {
            type: "reasoning",
            id: "rs_3",
            summary: [],
            content: [{ type: "reasoning_text", text: "raw" }],
          },
          { type: "web_search_call", id: "ws_1", status: "completed", action: { type: "search" } },
          {
            type: "message",
            id: "msg_1",
            role: "assistant",
            content: [{ type: "output_text", text: "x" }],
          },
        ],
      },
    };
    expect(body({ messages: [turn] }).input).toEqual([
      { type: "reasoning", summary: [], content: [{ type: "reasoning_text", text: "raw" }] },
      { type: "web_search_call", id: "ws_1", status: "completed", action: { type: "search" } },
      { type: "message", role: "assistant", content: [{ type: "output_text", text: "x" }] },
    ]);
  });

  it("a turn from another protocol sends its portable fields; its native parts are not this API's", () => {
    const turn: AssistantMessage = {
      role: "assistant",
      content: "hi",
      native: {
        protocol: "anthropic-messages",
        parts: [{ type: "thinking", thinking: "…", signature: "s" }],
      },
    };
    expect(body({ messages: [turn] }).input).toEqual([
      { type: "message", role: "assistant", content: [{ type: "output_text", text: "hi" }] },
    ]);
  });
});
