import { completionBody } from "@loom/llm-testing";
import { ConfigError } from "@loom/llm-types";
import { beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { ChatClient } from "../../../chat-client.js";
import { loadSchemaSupport } from "../../../schema/schema-support.fixture.js";
import { failure, hello, serverAndClient } from "../../../test-support.fixture.js";

const KEY = "sk-test-0123456789abcdefKEYKEY";
const { server, llm } = await serverAndClient({ apiKey: KEY, apiKeyEnv: "FAKE_API_KEY" });

// Tools and response formats are converted by schema support, which an exchange loads first.
beforeAll(loadSchemaSupport);

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
          // Strict: closed, as OpenAI's strict mode requires.
          schema: {
            type: "object",
            properties: { answer: { type: "string" } },
            required: ["answer"],
            additionalProperties: false,
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
