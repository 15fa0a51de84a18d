// The Messages wire end to end: a ChatClient with `protocol: "anthropic-messages"` over real
// HTTP on loopback, against a fake server answering as Anthropic does.
import { inspect } from "node:util";
import { createFakeServer, type FakeReply, type RecordedRequest } from "@loom/llm-testing";
import {
  BadRequestError,
  InvalidResponseError,
  type LLMResponse,
  RateLimitError,
  ServerError,
  type StreamEvent,
} from "@loom/llm-types";
import { parseConfig, Redactor } from "@loom/llm-utils";
import fc from "fast-check";
import { afterAll, beforeEach, describe, expect, it } from "vitest";
import { z } from "zod";
import { runTools } from "../../agent/run-tools.js";
import { ChatClient } from "../../chat-client.js";
import { events, failure, hello, texts } from "../../test-support.fixture.js";
import { anthropicMessages } from "./anthropic-messages-protocol.js";

const KEY = "sk-ant-api03-LEAKCANARY-7f3a9c2e1b5d4f6a8c0e";
const server = await createFakeServer();
const client = (maxRetries = 0) =>
  new ChatClient(
    {},
    {
      baseUrl: server.baseUrl,
      model: "claude-sonnet-4-5",
      provider: "anthropic",
      protocol: "anthropic-messages",
      apiKey: KEY,
      maxRetries,
    },
  );
const llm = client();
const retrying = client(1);
afterAll(async () => {
  await llm.close();
  await retrying.close();
  await server.close();
});
beforeEach(() => server.reset());

/** A Messages body. */
const message = (content: object[], stop_reason = "end_turn", extra: object = {}) => ({
  id: "msg_01",
  type: "message",
  role: "assistant",
  model: "claude-sonnet-4-5-20250929",
  content,
  stop_reason,
  stop_sequence: null,
  usage: { input_tokens: 10, cache_read_input_tokens: 5, output_tokens: 7 },
  ...extra,
});

/** A Messages stream, each event under its name, ending as the events say (no `[DONE]`). */
const sse = (items: object[]): FakeReply => ({
  type: "sse",
  events: items.map((item) => ({
    event: (item as { type: string }).type,
    data: JSON.stringify(item),
  })),
  done: false,
});

/** The events of one streamed answer: blocks given as whole bodies, cut into deltas. */
function streamOf(
  content: Record<string, unknown>[],
  stop_reason = "end_turn",
  width = 5,
): object[] {
  const split = (text: string) => pieces(text, width);
  const out: object[] = [
    {
      type: "message_start",
      message: {
        ...message([], ""),
        stop_reason: null,
        usage: { input_tokens: 10, output_tokens: 1 },
      },
    },
    { type: "ping" },
  ];
  content.forEach((block, index) => {
    if (block.type === "text") {
      out.push({ type: "content_block_start", index, content_block: { type: "text", text: "" } });
      for (const text of split(String(block.text)))
        out.push({ type: "content_block_delta", index, delta: { type: "text_delta", text } });
    } else if (block.type === "thinking") {
      out.push({
        type: "content_block_start",
        index,
        content_block: { type: "thinking", thinking: "", signature: "" },
      });
      for (const thinking of split(String(block.thinking)))
        out.push({
          type: "content_block_delta",
          index,
          delta: { type: "thinking_delta", thinking },
        });
      for (const signature of split(String(block.signature)))
        out.push({
          type: "content_block_delta",
          index,
          delta: { type: "signature_delta", signature },
        });
    } else if (block.type === "tool_use") {
      out.push({ type: "content_block_start", index, content_block: { ...block, input: {} } });
      for (const partial_json of split(JSON.stringify(block.input)))
        out.push({
          type: "content_block_delta",
          index,
          delta: { type: "input_json_delta", partial_json },
        });
    } else {
      out.push({ type: "content_block_start", index, content_block: block });
    }
    out.push({ type: "content_block_stop", index });
  });
  out.push(
    {
      type: "message_delta",
      delta: { stop_reason, stop_sequence: null },
      usage: { output_tokens: 7 },
    },
    { type: "message_stop" },
  );
  return out;
}

/** Text in pieces of up to `width` characters, as a server streams it. */
function pieces(text: string, width: number): string[] {
  const out: string[] = [];
  for (let i = 0; i < text.length; i += width) out.push(text.slice(i, i + width));
  return out.length > 0 ? out : [""];
}

const SIGNATURE =
  "EqQBCgIYAhIM1gbcDa9GJwZA2b3hGgxBdjrkzLoky3dl1pkiMOYds+/+ZCa3xVqOjUP0ZZjRb6y5YCDT/JvfhOQTj";
const THINKING = {
  type: "thinking",
  thinking: "The user wants Paris weather: call the tool.",
  signature: SIGNATURE,
};
const CALL = { type: "tool_use", id: "toolu_01A", name: "weather", input: { city: "Paris" } };

describe("headers", () => {
  it("x-api-key, never authorization; anthropic-version; json; the path /v1/messages", async () => {
    server.enqueue({ type: "json", body: message([{ type: "text", text: "Hi" }]) });
    await llm.call(hello);
    const [request] = server.requests;
    expect(request?.path).toBe("/v1/messages");
    expect(request?.headers).toMatchObject({
      "x-api-key": KEY,
      "anthropic-version": "2023-06-01",
      "content-type": "application/json",
      accept: "application/json",
    });
    expect(request?.headers["user-agent"]).toMatch(/^loom-llm\//);
    expect(request?.headers).not.toHaveProperty("authorization");
  });

  it("the config's headers, lower-cased, and its anthropic-version wins (any case)", () => {
    const config = parseConfig({
      baseUrl: "https://api.anthropic.com/v1",
      model: "m",
      protocol: "anthropic-messages",
      headers: { "Anthropic-Version": "2099-01-01", "Anthropic-Beta": "x" },
    });
    const headers = anthropicMessages.headers(config, true);
    expect(headers).toMatchObject({
      "anthropic-version": "2099-01-01",
      "anthropic-beta": "x",
      accept: "text/event-stream",
    });
    expect(
      Object.keys(headers).filter((name) => name.toLowerCase() === "anthropic-version"),
    ).toHaveLength(1);
    expect(headers).not.toHaveProperty("x-api-key");
  });
});

describe("call and stream", () => {
  it("call: content, reasoning, usage with cache reads, stop reason, native parts", async () => {
    server.enqueue({ type: "json", body: message([THINKING, { type: "text", text: "Hi!" }]) });
    const response = await llm.call(hello);
    expect(response).toMatchObject({
      content: "Hi!",
      reasoningContent: THINKING.thinking,
      finishReason: "stop",
      nativeFinishReason: "end_turn",
      usage: {
        promptTokens: 15,
        cachedPromptTokens: 5,
        completionTokens: 7,
        totalTokens: 22,
        reported: true,
      },
      provider: "anthropic",
      attempts: 1,
    });
    expect(response.message.native).toEqual({
      protocol: "anthropic-messages",
      parts: [THINKING, { type: "text", text: "Hi!" }],
    });
    expect(server.requests[0]?.body).toEqual({
      model: "claude-sonnet-4-5",
      max_tokens: 4096,
      messages: [{ role: "user", content: "hello" }],
    });
  });

  it("stream: events in order, then the response the call gives", async () => {
    const content = [THINKING, { type: "text", text: "Bonjour, ça va ? 🦊" }];
    server.enqueue(sse(streamOf(content)));
    const all = await events(llm);
    expect(server.requests[0]?.body).toMatchObject({ stream: true });
    expect(server.requests[0]?.headers.accept).toBe("text/event-stream");
    const types = [...new Set(all.map((e) => e.type))];
    expect(types).toEqual(["reasoning", "text", "finish", "usage", "response"]);
    const response = (all.at(-1) as { response: LLMResponse }).response;
    server.enqueue({ type: "json", body: message(content) });
    const called = await llm.call(hello);
    expect(response.message.native).toEqual(called.message.native);
    expect(response.content).toBe(called.content);
    expect(response.reasoningContent).toBe(called.reasoningContent);
  });

  it("stream in text mode: the text pieces alone", async () => {
    server.enqueue(sse(streamOf([THINKING, { type: "text", text: "Hello world" }])));
    expect((await texts(llm)).join("")).toBe("Hello world");
  });

  it("a forced tool call, called and streamed", async () => {
    const request = {
      ...hello,
      tools: [{ name: "weather", parameters: z.object({ city: z.string() }) }],
      toolChoice: { name: "weather" },
    };
    server.enqueue(
      { type: "json", body: message([CALL], "tool_use") },
      sse(streamOf([CALL], "tool_use")),
    );
    const called = await llm.call(request);
    const streamed = await llm.stream(request).response();
    for (const response of [called, streamed]) {
      expect(response.finishReason).toBe("tool_calls");
      expect(response.toolCalls).toMatchObject([
        { id: "toolu_01A", name: "weather", arguments: { city: "Paris" } },
      ]);
    }
    expect(server.requests[0]?.body).toMatchObject({
      tool_choice: { type: "tool", name: "weather" },
      tools: [{ name: "weather", input_schema: expect.objectContaining({ type: "object" }) }],
    });
  });
});

describe("a tool loop with extended thinking", () => {
  const weather = {
    name: "weather",
    parameters: z.object({ city: z.string() }),
    execute: ({ city }: { city: string }) => `sunny in ${city}`,
  };

  it("runTools sends the thinking block back with its exact signature", async () => {
    const first = message([THINKING, { type: "text", text: "Checking." }, CALL], "tool_use");
    server.enqueue(
      { type: "json", body: first },
      { type: "json", body: message([{ type: "text", text: "Sunny." }]) },
    );
    const result = await runTools(llm, {
      messages: [{ role: "user", content: "Weather in Paris?" }],
      tools: [weather],
      reasoning: { effort: "low" },
    });
    expect(result.response.content).toBe("Sunny.");
    const second = server.requests[1] as RecordedRequest;
    const body = second.body as {
      messages: { role: string; content: unknown }[];
      thinking: unknown;
      max_tokens: number;
    };
    expect(body.thinking).toEqual({ type: "enabled", budget_tokens: 2048 });
    expect(body.max_tokens).toBe(2048 + 4096);
    expect(body.messages).toEqual([
      { role: "user", content: "Weather in Paris?" },
      { role: "assistant", content: first.content },
      {
        role: "user",
        content: [{ type: "tool_result", tool_use_id: "toolu_01A", content: "sunny in Paris" }],
      },
    ]);
    // Byte-exact, as Anthropic checks it.
    expect(second.rawBody).toContain(JSON.stringify(first.content));
  });

  it("a streamed turn sent back: the signature assembled from its deltas, exactly", async () => {
    const content = [THINKING, CALL];
    server.enqueue(sse(streamOf(content, "tool_use")), {
      type: "json",
      body: message([{ type: "text", text: "Sunny." }]),
    });
    const turn = await llm
      .stream({ ...hello, reasoning: { budgetTokens: 1024 }, tools: [weather] })
      .response();
    await llm.call({
      messages: [
        hello.messages[0] as never,
        turn.message,
        { role: "tool", toolCallId: "toolu_01A", content: "sunny" },
      ],
      reasoning: { budgetTokens: 1024 },
      tools: [weather],
    });
    const body = server.requests[1]?.body as { messages: { content: unknown }[] };
    const sent = body.messages[1]?.content;
    expect(sent).toEqual(content);
  });
});

describe("structured output through the forced tool", () => {
  const Place = z.object({ city: z.string(), country: z.string() });
  const format = { type: "json_schema" as const, schema: Place, name: "place" };

  it("called and streamed: parsed and typed, the tool forced", async () => {
    const reply = {
      type: "tool_use",
      id: "toolu_9",
      name: "place",
      input: { city: "Paris", country: "France" },
    };
    server.enqueue(
      { type: "json", body: message([reply], "tool_use") },
      sse(streamOf([reply], "tool_use")),
    );
    const called = await llm.call({ ...hello, responseFormat: format });
    const streamed = await llm.stream({ ...hello, responseFormat: format }).response();
    for (const response of [called, streamed]) {
      expect(response.parsed).toEqual({ city: "Paris", country: "France" });
      expect(response.toolCalls).toEqual([]);
      expect(response.finishReason).toBe("stop");
    }
    expect(server.requests[0]?.body).toMatchObject({
      tool_choice: { type: "tool", name: "place" },
      tools: [
        { name: "place", input_schema: expect.objectContaining({ required: ["city", "country"] }) },
      ],
    });
  });

  it("a reply cut by max_tokens (input {}) is refused as cut off, as the same reply streamed is", async () => {
    const Note = z.object({ note: z.string().optional() });
    const optional = { type: "json_schema" as const, schema: Note, name: "note" };
    for (const responseFormat of [{ type: "json_object" as const }, optional]) {
      const name = responseFormat.type === "json_object" ? "json" : "note";
      server.enqueue({
        type: "json",
        body: message([{ type: "tool_use", id: "toolu_c", name, input: {} }], "max_tokens"),
      });
      const error = await failure(llm.call({ ...hello, responseFormat, maxTokens: 40 }));
      expect(error).toBeInstanceOf(InvalidResponseError);
      expect(error.message).toContain("cut off at maxTokens");
      expect((error as InvalidResponseError).response?.finishReason).toBe("length");
    }
  });

  it("a reply that does not match the schema is refused like any structured reply", async () => {
    const reply = { type: "tool_use", id: "toolu_9", name: "place", input: { city: 3 } };
    server.enqueue({ type: "json", body: message([reply], "tool_use") });
    const error = await failure(llm.call({ ...hello, responseFormat: format }));
    expect(error).toBeInstanceOf(InvalidResponseError);
  });
});

describe("errors", () => {
  it("529 overloaded_error is retried, then the answer", async () => {
    server.enqueue(
      {
        type: "error",
        status: 529,
        body: { type: "error", error: { type: "overloaded_error", message: "Overloaded" } },
        headers: { "retry-after-ms": "1" },
      },
      { type: "json", body: message([{ type: "text", text: "OK" }]) },
    );
    const response = await retrying.call(hello);
    expect(response).toMatchObject({ content: "OK", attempts: 2 });
  });

  it("529 without retries: a retryable ServerError", async () => {
    server.enqueue({
      type: "error",
      status: 529,
      body: { type: "error", error: { type: "overloaded_error", message: "Overloaded" } },
    });
    const error = await failure(llm.call(hello));
    expect(error).toBeInstanceOf(ServerError);
    expect(error).toMatchObject({ status: 529, retryable: true, type: "overloaded_error" });
  });

  it.each([
    [400, "invalid_request_error", BadRequestError, false],
    [413, "request_too_large", BadRequestError, false],
    [429, "rate_limit_error", RateLimitError, true],
  ] as const)("%i %s is typed", async (status, type, kind, retryable) => {
    server.enqueue({
      type: "error",
      status,
      body: { type: "error", error: { type, message: "no" } },
    });
    const error = await failure(llm.call(hello));
    expect(error).toBeInstanceOf(kind);
    expect(error).toMatchObject({ status, type, retryable });
    expect(error.message).toContain(`HTTP ${status}`);
  });

  it("x-should-retry: false wins over a retryable status", async () => {
    server.enqueue({
      type: "error",
      status: 529,
      body: { type: "error", error: { type: "overloaded_error", message: "x" } },
      headers: { "x-should-retry": "false" },
    });
    expect(await failure(retrying.call(hello))).toMatchObject({ status: 529, retryable: false });
    expect(server.requests).toHaveLength(1);
  });

  it("llama.cpp's OpenAI-shaped 400 body (capture 2026-12)", async () => {
    server.enqueue({
      type: "error",
      status: 400,
      body: {
        error: {
          code: 400,
          message: "Field 'max_tokens': type must be number",
          type: "invalid_request_error",
        },
      },
    });
    const error = await failure(llm.call(hello));
    expect(error).toBeInstanceOf(BadRequestError);
    expect(error.message).toContain("Field 'max_tokens'");
  });

  it("an error event inside a stream is typed", async () => {
    server.enqueue({
      type: "sse",
      events: [
        { event: "message_start", data: JSON.stringify(streamOf([])[0]) },
        {
          event: "error",
          data: JSON.stringify({
            type: "error",
            error: { type: "overloaded_error", message: "Overloaded" },
          }),
        },
      ],
      done: false,
    });
    const error = await failure(events(llm));
    expect(error).toBeInstanceOf(ServerError);
    expect(error).toMatchObject({ status: 529, type: "overloaded_error" });
  });

  it("a stream cut before message_stop is an InvalidResponseError", async () => {
    server.enqueue(sse(streamOf([{ type: "text", text: "Hello" }]).slice(0, -1)));
    const error = await failure(events(llm));
    expect(error).toBeInstanceOf(InvalidResponseError);
    expect(error.message).toContain("message_stop");
  });

  it("n > 1 is refused before anything is sent", async () => {
    const error = await failure(llm.call({ ...hello, n: 3 }));
    expect(error.name).toBe("ConfigError");
    expect(server.requests).toHaveLength(0);
  });
});

describe("a server echoing the key into the answer", () => {
  const oracle = new Redactor([KEY]);
  /** Every string in a value (keys too), and the value printed. */
  function strings(value: unknown): string[] {
    const out = [JSON.stringify(value) ?? "", inspect(value, { depth: 20 })];
    const walk = (v: unknown, depth: number): void => {
      if (typeof v === "string") out.push(v);
      else if (typeof v === "object" && v !== null && depth < 20)
        for (const [key, item] of Object.entries(v)) {
          out.push(key);
          walk(item, depth + 1);
        }
    };
    walk(value, 0);
    return out;
  }
  function expectClean(value: unknown): void {
    for (const text of strings(value)) {
      expect(text).not.toContain(KEY);
      expect(oracle.redact(text)).toBe(text);
    }
  }

  it("into text, thinking, tool input, ids and the signature: masked in every field and event", async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 9 }), fc.boolean(), async (width, stream) => {
        const echo = (request: RecordedRequest): FakeReply => {
          const key = String(request.headers["x-api-key"]);
          const content = [
            { type: "thinking", thinking: `think ${key}`, signature: `sig${key}` },
            { type: "redacted_thinking", data: key },
            { type: "text", text: `say ${key} twice ${key}` },
            { type: "tool_use", id: `toolu_${key}`, name: "weather", input: { city: key } },
          ];
          if (!stream)
            return { type: "json", body: message(content, "tool_use", { id: key, model: key }) };
          // Every streamed text cut into pieces of `width` characters: the key split anywhere.
          return sse(streamOf(content, "tool_use", width));
        };
        server.enqueue(echo);
        if (stream) {
          const all: StreamEvent[] = [];
          for await (const event of llm.stream({ ...hello, tools: [{ name: "weather" }] }).events())
            all.push(event);
          expectClean(all);
        } else {
          expectClean(await llm.call({ ...hello, tools: [{ name: "weather" }] }));
        }
      }),
      { numRuns: 12 },
    );
  });
});
