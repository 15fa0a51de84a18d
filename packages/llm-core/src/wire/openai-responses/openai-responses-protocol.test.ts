// End to end over loopback: a ChatClient speaking `protocol: "openai-responses"` to a fake
// server, through the whole exchange (headers, body, status errors, stream decoding, agent loop).
import type { FakeReply, RecordedRequest, SseItem } from "@loom/llm-testing";
import {
  BadRequestError,
  ConfigError,
  InvalidResponseError,
  RateLimitError,
  ServerError,
  type StreamEvent,
} from "@loom/llm-types";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { runTools } from "../../agent/run-tools.js";
import { events, failure, hello, serverAndClient } from "../../test-support.fixture.js";
import { fixtureJson } from "./__fixtures__/replay.fixture.js";

type Json = Record<string, unknown>;

const KEY = "sk-test-0123456789abcdefKEYKEY";
const { server, llm } = await serverAndClient({
  apiKey: KEY,
  protocol: "openai-responses",
  model: "gpt-5-mini",
});

/** A Responses stream: each event with its `event:` line, no `[DONE]`, as the API sends it. */
function stream(...items: Json[]): FakeReply {
  const events: SseItem[] = items.map((item) => ({
    event: String(item.type),
    data: JSON.stringify(item),
  }));
  return { type: "sse", events, done: false };
}

const usage = {
  input_tokens: 20,
  input_tokens_details: { cached_tokens: 8 },
  output_tokens: 12,
  output_tokens_details: { reasoning_tokens: 5 },
  total_tokens: 32,
};
const reasoningItem = {
  type: "reasoning",
  id: "rs_1",
  summary: [{ type: "summary_text", text: "Weather needs a lookup." }],
  encrypted_content: "gAAAAAB-encrypted-reasoning-state==",
};
const callItem = {
  type: "function_call",
  id: "fc_1",
  call_id: "call_1",
  name: "weather",
  arguments: '{"city":"Paris"}',
  status: "completed",
};
const messageItem = (text: string) => ({
  type: "message",
  id: "msg_1",
  role: "assistant",
  status: "completed",
  content: [{ type: "output_text", text, annotations: [] }],
});
const body = (output: Json[], extra: Json = {}) => ({
  id: "resp_1",
  object: "response",
  status: "completed",
  model: "gpt-5-mini-2025-08-07",
  output,
  usage,
  ...extra,
});
const created = {
  type: "response.created",
  response: { id: "resp_1", model: "gpt-5-mini", status: "in_progress" },
};

describe("call()", () => {
  it("posts to {baseUrl}/responses with OpenAI's headers and a stateless body", async () => {
    server.enqueue({ type: "json", body: body([messageItem("Hi!")]) });
    const res = await llm.call({
      messages: [{ role: "system", content: "Be brief." }, ...hello.messages],
    });
    const request = server.lastRequest;
    expect(request?.path).toBe("/v1/responses");
    expect(request?.headers).toMatchObject({
      authorization: `Bearer ${KEY}`,
      "content-type": "application/json",
      accept: "application/json",
    });
    expect(request?.headers["user-agent"]).toMatch(/^loom-llm\//);
    expect(request?.body).toEqual({
      model: "gpt-5-mini",
      instructions: "Be brief.",
      input: [{ role: "user", content: "hello" }],
      store: false,
      include: ["reasoning.encrypted_content"],
    });
    expect(res).toMatchObject({
      content: "Hi!",
      finishReason: "stop",
      model: "gpt-5-mini-2025-08-07",
      id: "resp_1",
      attempts: 1,
      usage: {
        promptTokens: 20,
        cachedPromptTokens: 8,
        completionTokens: 12,
        reasoningTokens: 5,
        totalTokens: 32,
      },
    });
  });

  it("a 429 is a RateLimitError, typed as chat completions types it", async () => {
    server.enqueue({
      type: "error",
      status: 429,
      headers: { "x-should-retry": "false" },
      body: {
        error: { message: "Rate limit reached", type: "requests", code: "rate_limit_exceeded" },
      },
    });
    const error = await failure(llm.call(hello));
    expect(error).toBeInstanceOf(RateLimitError);
    expect(error.retryable).toBe(false);
  });

  it("a 400 for a parameter a reasoning model refuses is a BadRequestError saying which", async () => {
    // Recorded from OpenAI by vercel/ai: temperature sent to a reasoning model.
    server.enqueue({
      type: "error",
      status: 400,
      body: fixtureJson("vercel-reasoning-model-temperature-error.json"),
    });
    const error = await failure(llm.call({ ...hello, temperature: 0.5 }));
    expect(error).toBeInstanceOf(BadRequestError);
    expect(error.message).toContain("Unsupported parameter: 'temperature'");
  });

  it("n > 1 is a ConfigError and nothing is sent", async () => {
    const error = await failure(llm.call({ ...hello, n: 2 }));
    expect(error).toBeInstanceOf(ConfigError);
    expect(server.requests).toHaveLength(0);
  });

  it("structured output from a zod schema: text.format strict, the reply parsed", async () => {
    server.enqueue({ type: "json", body: body([messageItem('{"city":"Paris","days":null}')]) });
    const res = await llm.call({
      ...hello,
      responseFormat: {
        type: "json_schema",
        name: "forecast",
        schema: z.object({ city: z.string(), days: z.number().optional() }),
      },
    });
    expect(server.lastJson().text).toEqual({
      format: {
        type: "json_schema",
        name: "forecast",
        strict: true,
        schema: {
          type: "object",
          properties: { city: { type: "string" }, days: { type: ["number", "null"] } },
          required: ["city", "days"],
          additionalProperties: false,
        },
      },
    });
    expect(res.parsed).toEqual({ city: "Paris" });
  });

  it("incomplete at max_output_tokens: finish length, the text and usage kept", async () => {
    server.enqueue({
      type: "json",
      body: body([messageItem("Once upon a")], {
        status: "incomplete",
        incomplete_details: { reason: "max_output_tokens" },
      }),
    });
    const res = await llm.call({ ...hello, maxTokens: 3 });
    expect(server.lastJson().max_output_tokens).toBe(3);
    expect(res).toMatchObject({
      content: "Once upon a",
      finishReason: "length",
      nativeFinishReason: "max_output_tokens",
      usage: { completionTokens: 12, reported: true },
    });
  });

  it("a failed response is its typed error (server_error: a ServerError)", async () => {
    server.enqueue({
      type: "json",
      body: body([], {
        status: "failed",
        error: { code: "server_error", message: "The model crashed" },
      }),
    });
    const error = await failure(llm.call(hello));
    expect(error).toBeInstanceOf(ServerError);
    expect(error.message).toContain("The model crashed");
  });
});

describe("stream()", () => {
  it("events: reasoning, text, finish, usage, then the response", async () => {
    server.enqueue(
      stream(
        created,
        {
          type: "response.output_item.added",
          output_index: 0,
          item: { ...reasoningItem, summary: [] },
        },
        {
          type: "response.reasoning_summary_text.delta",
          item_id: "rs_1",
          output_index: 0,
          summary_index: 0,
          delta: "Weather needs ",
        },
        {
          type: "response.reasoning_summary_text.delta",
          item_id: "rs_1",
          output_index: 0,
          summary_index: 0,
          delta: "a lookup.",
        },
        { type: "response.output_item.done", output_index: 0, item: reasoningItem },
        {
          type: "response.output_item.added",
          output_index: 1,
          item: { ...messageItem(""), content: [], status: "in_progress" },
        },
        {
          type: "response.content_part.added",
          item_id: "msg_1",
          output_index: 1,
          content_index: 0,
          part: { type: "output_text", text: "" },
        },
        {
          type: "response.output_text.delta",
          item_id: "msg_1",
          output_index: 1,
          content_index: 0,
          delta: "Sunny",
        },
        {
          type: "response.output_text.delta",
          item_id: "msg_1",
          output_index: 1,
          content_index: 0,
          delta: " in Paris.",
        },
        {
          type: "response.output_text.done",
          item_id: "msg_1",
          output_index: 1,
          content_index: 0,
          text: "Sunny in Paris.",
        },
        {
          type: "response.output_item.done",
          output_index: 1,
          item: messageItem("Sunny in Paris."),
        },
        {
          type: "response.completed",
          response: body([reasoningItem, messageItem("Sunny in Paris.")]),
        },
      ),
    );
    const all = await events(llm);
    expect(server.lastRequest?.headers.accept).toBe("text/event-stream");
    expect(server.lastJson().stream).toBe(true);
    expect(all.slice(0, -1)).toEqual([
      { type: "reasoning", text: "Weather needs " },
      { type: "reasoning", text: "a lookup." },
      { type: "text", text: "Sunny" },
      { type: "text", text: " in Paris." },
      { type: "finish", finishReason: "stop" },
      { type: "usage", usage: expect.objectContaining({ promptTokens: 20, reasoningTokens: 5 }) },
    ]);
    const last = all.at(-1);
    expect(last?.type === "response" && last.response).toMatchObject({
      content: "Sunny in Paris.",
      reasoningContent: "Weather needs a lookup.",
      message: {
        native: {
          protocol: "openai-responses",
          parts: [reasoningItem, messageItem("Sunny in Paris.")],
        },
      },
    });
  });

  it("text mode yields the answer's text alone", async () => {
    server.enqueue(
      stream(
        created,
        { type: "response.reasoning_text.delta", item_id: "rs_1", delta: "thinking" },
        { type: "response.output_text.delta", item_id: "msg_1", delta: "Hel" },
        { type: "response.output_text.delta", item_id: "msg_1", delta: "lo" },
        { type: "response.completed", response: { status: "completed" } },
      ),
    );
    const pieces: string[] = [];
    for await (const piece of llm.stream(hello)) pieces.push(piece);
    expect(pieces).toEqual(["Hel", "lo"]);
  });

  it("a forced tool call: tool_choice names the function, the call streams and is reported", async () => {
    server.enqueue(
      stream(
        created,
        {
          type: "response.output_item.added",
          output_index: 0,
          item: { ...callItem, arguments: "", status: "in_progress" },
        },
        {
          type: "response.function_call_arguments.delta",
          item_id: "fc_1",
          output_index: 0,
          delta: '{"city":',
        },
        {
          type: "response.function_call_arguments.delta",
          item_id: "fc_1",
          output_index: 0,
          delta: '"Paris"}',
        },
        {
          type: "response.function_call_arguments.done",
          item_id: "fc_1",
          output_index: 0,
          arguments: '{"city":"Paris"}',
        },
        { type: "response.output_item.done", output_index: 0, item: callItem },
        { type: "response.completed", response: body([callItem]) },
      ),
    );
    const tools = [{ name: "weather", parameters: z.object({ city: z.string() }) }];
    const all = await events(llm, { ...hello, tools, toolChoice: { name: "weather" } });
    expect(server.lastJson()).toMatchObject({
      tools: [{ type: "function", name: "weather" }],
      tool_choice: { type: "function", name: "weather" },
    });
    expect(all.filter((e) => e.type.startsWith("tool-call"))).toEqual([
      {
        type: "tool-call-delta",
        index: 0,
        id: "call_1",
        name: "weather",
        argumentsDelta: '{"city":',
      },
      { type: "tool-call-delta", index: 0, argumentsDelta: '"Paris"}' },
      {
        type: "tool-call",
        toolCall: {
          id: "call_1",
          name: "weather",
          arguments: { city: "Paris" },
          rawArguments: '{"city":"Paris"}',
        },
      },
    ]);
    expect(all.find((e) => e.type === "finish")).toEqual({
      type: "finish",
      finishReason: "tool_calls",
    });
  });

  it("incomplete at max_output_tokens: finish length, text and usage kept", async () => {
    server.enqueue(
      stream(
        created,
        { type: "response.output_text.delta", item_id: "msg_1", delta: "Once upon a" },
        {
          type: "response.incomplete",
          response: {
            status: "incomplete",
            incomplete_details: { reason: "max_output_tokens" },
            usage,
          },
        },
      ),
    );
    const res = await llm.stream(hello).response();
    expect(res).toMatchObject({
      content: "Once upon a",
      finishReason: "length",
      nativeFinishReason: "max_output_tokens",
      usage: { completionTokens: 12, reported: true },
    });
  });

  it("response.failed is its typed error", async () => {
    server.enqueue(
      stream(created, {
        type: "response.failed",
        response: {
          status: "failed",
          error: { code: "rate_limit_exceeded", message: "Too many tokens" },
        },
      }),
    );
    const error = await failure(llm.stream(hello).response());
    expect(error).toBeInstanceOf(RateLimitError);
    expect(error.message).toContain("Too many tokens");
  });

  it("a stream cut before response.completed is an InvalidResponseError", async () => {
    server.enqueue(
      stream(created, {
        type: "response.output_text.delta",
        item_id: "msg_1",
        delta: "Half an ans",
      }),
    );
    const error = await failure(llm.stream(hello).response());
    expect(error).toBeInstanceOf(InvalidResponseError);
    expect(error.message).toContain("response.completed");
  });
});

describe("a tool loop (runTools)", () => {
  it("sends the reasoning item back with its encrypted content, then the call and its output", async () => {
    server.enqueue(
      { type: "json", body: body([reasoningItem, callItem]) },
      { type: "json", body: body([messageItem("Sunny in Paris.")]) },
    );
    const result = await runTools(llm, {
      messages: hello.messages,
      tools: [
        {
          name: "weather",
          parameters: z.object({ city: z.string() }),
          execute: ({ city }: { city: string }) => `sunny in ${city}`,
        },
      ],
    });
    expect(result.stopReason).toBe("answered");
    expect(result.response.content).toBe("Sunny in Paris.");
    const [first, second] = server.requests.map((r) => r.body as Json);
    expect(first?.input).toEqual([{ role: "user", content: "hello" }]);
    const { id: _r, ...reasoning } = reasoningItem;
    const { id: _c, ...call } = callItem;
    expect(second?.input).toEqual([
      { role: "user", content: "hello" },
      reasoning,
      call,
      { type: "function_call_output", call_id: "call_1", output: "sunny in Paris" },
    ]);
    expect(server.requests[1]?.rawBody).toContain(
      '"encrypted_content":"gAAAAAB-encrypted-reasoning-state=="',
    );
    expect(result.usage).toMatchObject({ promptTokens: 40, reasoningTokens: 10 });
  });
});

describe("a hostile server echoing the key (property)", () => {
  /** Where the echo goes: text, reasoning, arguments or encrypted content, split in pieces. */
  const place = fc.constantFrom("text", "reasoning", "arguments", "encrypted");
  it("never hands the key back anywhere, called or streamed", async () => {
    await fc.assert(
      fc.asyncProperty(
        place,
        fc.boolean(),
        fc.integer({ min: 1, max: 30 }),
        async (where, streamed, cut) => {
          server.enqueue((request: RecordedRequest): FakeReply => {
            const echo = String(request.headers.authorization);
            const pieces = [echo.slice(0, cut), echo.slice(cut)];
            const text = where === "text" ? echo : "ok";
            const reasoning = {
              ...reasoningItem,
              summary: [{ type: "summary_text", text: where === "reasoning" ? echo : "r" }],
            };
            if (where === "encrypted") reasoning.encrypted_content = echo;
            const call = {
              ...callItem,
              arguments:
                where === "arguments" ? JSON.stringify({ city: echo }) : callItem.arguments,
            };
            const output = [reasoning, call, messageItem(text)];
            if (!streamed) return { type: "json", body: body(output) };
            const deltas =
              where === "text"
                ? pieces.map((delta) => ({
                    type: "response.output_text.delta",
                    item_id: "msg_1",
                    output_index: 2,
                    delta,
                  }))
                : where === "reasoning"
                  ? pieces.map((delta) => ({
                      type: "response.reasoning_summary_text.delta",
                      item_id: "rs_1",
                      output_index: 0,
                      delta,
                    }))
                  : where === "arguments"
                    ? [`{"city":"${pieces[0]}`, `${pieces[1]}"}`].map((delta) => ({
                        type: "response.function_call_arguments.delta",
                        item_id: "fc_1",
                        output_index: 1,
                        delta,
                      }))
                    : [];
            return stream(
              created,
              ...deltas,
              ...output.map((item, i) => ({
                type: "response.output_item.done",
                output_index: i,
                item,
              })),
              { type: "response.completed", response: body(output) },
            );
          });
          const seen: StreamEvent[] = [];
          const res = streamed
            ? await (async () => {
                const s = llm.stream(hello);
                for await (const event of s.events()) seen.push(event);
                return s.response();
              })()
            : await llm.call(hello);
          const printed = JSON.stringify([res, seen]);
          expect(printed).not.toContain(KEY);
          expect(printed).not.toContain("0123456789abcdef");
          // The masked turn goes back masked: the key never reaches the next request either.
          server.enqueue({ type: "json", body: body([messageItem("done")]) });
          await llm.call({ messages: [...hello.messages, res.message] });
          expect(server.lastRequest?.rawBody).not.toContain("0123456789abcdef");
        },
      ),
      { numRuns: 40 },
    );
  });
});
