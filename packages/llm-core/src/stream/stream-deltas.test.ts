import { completionBody, completionChunk, type SseItem, wireUsage } from "@loom/llm-testing";
import type { StreamEvent } from "@loom/llm-types";
import { describe, expect, it } from "vitest";
import { data, hello, raw, serverAndClient } from "../test-support.fixture.js";

const { server, llm } = await serverAndClient();

describe("reasoning", () => {
  it('DeepSeek\'s reasoning_content, first chunk reasoning_content: "" and content: null', async () => {
    server.enqueue({
      type: "sse",
      events: [
        completionChunk({ role: "assistant", content: null, reasoning_content: "" }),
        completionChunk({ content: null, reasoning_content: "Let me" }),
        completionChunk({ content: null, reasoning_content: " think." }),
        completionChunk({ content: "42", reasoning_content: null }),
        completionChunk(
          {},
          {
            finishReason: "stop",
            usage: { ...wireUsage(9), completion_tokens_details: { reasoning_tokens: 7 } },
          },
        ),
      ],
    });
    const all: StreamEvent[] = [];
    const stream = llm.stream(hello);
    for await (const event of stream.events()) all.push(event);
    expect(all.filter((e) => e.type === "reasoning")).toEqual([
      { type: "reasoning", text: "Let me" },
      { type: "reasoning", text: " think." },
    ]);
    const response = await stream.response();
    expect(response).toMatchObject({
      content: "42",
      reasoningContent: "Let me think.",
      usage: { reasoningTokens: 7 },
    });
    expect(response.message.reasoningContent).toBe("Let me think.");
  });

  it("vLLM's reasoning field", async () => {
    server.enqueue({
      type: "sse",
      events: [
        completionChunk({ reasoning: "hm" }),
        completionChunk({ content: "ok" }),
        completionChunk({}, { finishReason: "stop" }),
      ],
    });
    const response = await llm.stream(hello).response();
    expect(response.reasoningContent).toBe("hm");
    expect(response.content).toBe("ok");
  });
});

describe("tool-call deltas (wire.md quirks)", () => {
  const tc = (calls: object[]) => completionChunk({ tool_calls: calls });
  const finish = (reason = "tool_calls") => completionChunk({}, { finishReason: reason });
  async function toolCalls(items: SseItem[]) {
    server.enqueue({ type: "sse", events: items });
    const all: StreamEvent[] = [];
    const stream = llm.stream(hello);
    for await (const event of stream.events()) all.push(event);
    return { response: await stream.response(), events: all };
  }

  it("OpenAI: id and name first, arguments in pieces", async () => {
    const { response, events: all } = await toolCalls([
      completionChunk({ role: "assistant", content: null }),
      tc([
        {
          index: 0,
          id: "call_1",
          type: "function",
          function: { name: "get_weather", arguments: "" },
        },
      ]),
      tc([{ index: 0, function: { arguments: '{"ci' } }]),
      tc([{ index: 0, function: { arguments: 'ty": "Par' } }]),
      tc([{ index: 0, function: { arguments: 'is"}' } }]),
      finish(),
    ]);
    expect(response.toolCalls).toEqual([
      {
        id: "call_1",
        name: "get_weather",
        arguments: { city: "Paris" },
        rawArguments: '{"city": "Paris"}',
      },
    ]);
    expect(response.content).toBe("");
    expect(response.message).toEqual({
      role: "assistant",
      content: "",
      toolCalls: response.toolCalls,
    });
    expect(all.filter((e) => e.type === "tool-call-delta")).toEqual([
      { type: "tool-call-delta", index: 0, id: "call_1", name: "get_weather", argumentsDelta: "" },
      { type: "tool-call-delta", index: 0, argumentsDelta: '{"ci' },
      { type: "tool-call-delta", index: 0, argumentsDelta: 'ty": "Par' },
      { type: "tool-call-delta", index: 0, argumentsDelta: 'is"}' },
    ]);
    expect(all.filter((e) => e.type === "tool-call")).toEqual([
      { type: "tool-call", toolCall: response.toolCalls[0] },
    ]);
  });

  it("several calls interleaved by index keep their ids and order", async () => {
    const { response } = await toolCalls([
      tc([{ index: 0, id: "call_a", function: { name: "a", arguments: "" } }]),
      tc([{ index: 1, id: "call_b", function: { name: "b", arguments: '{"y":' } }]),
      tc([{ index: 0, function: { arguments: '{"x":1}' } }]),
      tc([{ index: 1, function: { arguments: "2}" } }]),
      finish(),
    ]);
    expect(response.toolCalls.map((c) => [c.id, c.name, c.arguments])).toEqual([
      ["call_a", "a", { x: 1 }],
      ["call_b", "b", { y: 2 }],
    ]);
  });

  it('a later name: null (vLLM) or name: "" (LM Studio) does not erase the name', async () => {
    const { response } = await toolCalls([
      tc([{ index: 0, id: "c1", function: { name: "lookup", arguments: "" } }]),
      tc([{ index: 0, function: { name: null, arguments: '{"q":' } }]),
      tc([{ index: 0, function: { name: "", arguments: '"x"}' } }]),
      finish(),
    ]);
    expect(response.toolCalls[0]).toMatchObject({
      id: "c1",
      name: "lookup",
      arguments: { q: "x" },
    });
  });

  it("the name arriving after some arguments", async () => {
    const { response } = await toolCalls([
      tc([{ index: 0, id: "c1", function: { arguments: '{"q":' } }]),
      tc([{ index: 0, function: { name: "late", arguments: "1}" } }]),
      finish(),
    ]);
    expect(response.toolCalls[0]).toMatchObject({ name: "late", arguments: { q: 1 } });
  });

  it("no index at all: one call, or calls told apart by id", async () => {
    const single = await toolCalls([
      tc([{ id: "c1", function: { name: "f", arguments: '{"a":' } }]),
      tc([{ function: { arguments: "1}" } }]),
      finish(),
    ]);
    expect(single.response.toolCalls).toEqual([
      { id: "c1", name: "f", arguments: { a: 1 }, rawArguments: '{"a":1}' },
    ]);
    const two = await toolCalls([
      tc([{ id: "c1", function: { name: "f", arguments: "{}" } }]),
      tc([{ id: "c2", function: { name: "g", arguments: "{}" } }]),
      finish(),
    ]);
    expect(two.response.toolCalls.map((c) => c.id)).toEqual(["c1", "c2"]);
  });

  it("a whole call in one chunk, with tool_calls: [] on every other delta", async () => {
    const { response } = await toolCalls([
      completionChunk({ content: "", tool_calls: [] }),
      tc([
        {
          index: 0,
          id: "c1",
          type: "function",
          function: { name: "f", arguments: '{"whole":true}' },
        },
      ]),
      completionChunk({ tool_calls: [] }, { finishReason: "tool_calls" }),
    ]);
    expect(response.toolCalls).toEqual([
      { id: "c1", name: "f", arguments: { whole: true }, rawArguments: '{"whole":true}' },
    ]);
  });

  it('finish_reason "stop" with tool calls (Ollama): the calls still count', async () => {
    const { response } = await toolCalls([
      tc([{ index: 0, id: "c1", function: { name: "f", arguments: "{}" } }]),
      finish("stop"),
    ]);
    expect(response.finishReason).toBe("stop");
    expect(response.toolCalls).toHaveLength(1);
  });

  it('llama.cpp: id "" gets a unique made-up id, arguments in 1-3 character fragments', async () => {
    const args = '{"location":"Paris"}';
    const fragments = args.match(/.{1,3}/g) ?? [];
    const { response } = await toolCalls([
      tc([
        { index: 0, id: "", type: "function", function: { name: "get_weather", arguments: "" } },
      ]),
      ...fragments.map((piece) => tc([{ index: 0, function: { arguments: piece } }])),
      finish(),
    ]);
    expect(response.toolCalls[0]?.id).toMatch(/^call_\d+$/);
    expect(response.toolCalls[0]?.arguments).toEqual({ location: "Paris" });
  });

  it("calls still unfinished when the stream ends are flushed", async () => {
    server.enqueue(
      raw(
        data(tc([{ index: 0, id: "c1", function: { name: "f", arguments: "{}" } }])),
        "data: [DONE]\n\n",
      ),
    );
    const response = await llm.stream(hello).response();
    expect(response.toolCalls).toHaveLength(1);
    expect(response.finishReason).toBeNull();
  });

  it("arguments cut by max_tokens: the same result as the non-streamed reply, nothing thrown", async () => {
    server.enqueue(
      {
        type: "sse",
        events: [
          tc([{ index: 0, id: "c1", function: { name: "f", arguments: '{"a": tru' } }]),
          finish("length"),
        ],
      },
      {
        type: "json",
        body: completionBody({
          toolCalls: [{ id: "c1", name: "f", arguments: '{"a": tru' }],
          finishReason: "length",
        }),
      },
    );
    const streamed = await llm.stream(hello).response();
    const called = await llm.call(hello);
    for (const res of [streamed, called]) {
      expect(res.finishReason).toBe("length");
      expect(res.toolCalls).toHaveLength(1);
      expect(res.toolCalls[0]).toMatchObject({
        id: "c1",
        name: "f",
        arguments: undefined,
        rawArguments: '{"a": tru',
      });
      expect(res.toolCalls[0]?.error?.message).toContain("cut off before they were complete");
    }
  });

  it("an Azure first chunk with empty id and model: the first non-empty ones win", async () => {
    server.enqueue({
      type: "sse",
      events: [
        { id: "", model: "", choices: [], prompt_filter_results: [] },
        {
          id: "chatcmpl-azure",
          model: "gpt-4o-2024-08-06",
          choices: [{ index: 0, delta: { content: "hi" }, finish_reason: "stop" }],
        },
      ],
    });
    const res = await llm.stream(hello).response();
    expect(res).toMatchObject({ id: "chatcmpl-azure", model: "gpt-4o-2024-08-06", content: "hi" });
  });
});
