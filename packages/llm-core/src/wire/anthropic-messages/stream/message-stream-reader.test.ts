import {
  InvalidResponseError,
  RateLimitError,
  ServerError,
  type StreamEvent,
} from "@loom/llm-types";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { accumulate, facts, replay, sseBytes } from "../anthropic-messages.fixture.js";
import { MAX_BLOCKS } from "../max-blocks.js";
import { parseMessage } from "../response/parse-message.js";
import { MessageStreamReader } from "./message-stream-reader.js";

/** Recorded streams (see `__fixtures__/README.md`) and the answer each must give. */
const RECORDED = [
  "vercel-anthropic-text.chunks.txt",
  "vercel-anthropic-json-tool.1.chunks.txt",
  "vercel-anthropic-tool-no-args.chunks.txt",
  "vercel-anthropic-clear-thinking.1.chunks.txt",
  "vercel-anthropic-refusal.chunks.txt",
  "vercel-anthropic-mcp.1.chunks.txt",
  "vercel-anthropic-message-delta-input-tokens.chunks.txt",
  "vercel-duplicate-message-start.chunks.txt",
  "sdk-stream-a-refusal.sse",
  "sdk-stream-a-toolrefusal.sse",
  "llama-cpp-stream.sse",
  "llama-cpp-tool-stream.sse",
  "citations.sse",
];

describe("recorded streams", () => {
  it.each(RECORDED)("%s: the same response and items split at every byte boundary", (name) => {
    const bytes = sseBytes(name);
    const whole = replay(bytes, []);
    for (let cut = 1; cut < bytes.length; cut++) expect(replay(bytes, [cut])).toEqual(whole);
  });

  it.each(RECORDED.filter((name) => name !== "llama-cpp-tool-stream.sse"))(
    "%s: the response a non-streamed body of the same answer gives",
    (name) => {
      const bytes = sseBytes(name);
      const streamed = replay(bytes, []).response;
      const body = parseMessage(accumulate(bytes), facts());
      expect(streamed.message.native).toEqual(body.message.native);
      // Raw arguments are the text as it streamed (spaces included); the rest is the same.
      const strip = (r: typeof body) => ({
        ...r,
        toolCalls: r.toolCalls.map(({ rawArguments: _, ...call }) => call),
        message: { ...r.message, toolCalls: undefined },
      });
      expect(strip(streamed)).toEqual(strip(body));
    },
  );

  it("a text answer: pieces, finish, usage (the latest of each field)", () => {
    const { items, response } = replay(sseBytes("vercel-anthropic-text.chunks.txt"), []);
    expect(
      items
        .filter((i) => (i as StreamEvent).type === "text")
        .map((i) => (i as { text: string }).text),
    ).toEqual([
      "Hello",
      "! I",
      "'m doing well, thank you for asking",
      ". How are you doing today?",
      " Is",
      " there anything I can help you with?",
    ]);
    expect(items.slice(-2)).toEqual([
      { type: "finish", finishReason: "stop" },
      {
        type: "usage",
        usage: {
          promptTokens: 12,
          completionTokens: 30,
          totalTokens: 42,
          cachedPromptTokens: 0,
          cacheWriteTokens: 0,
          reasoningTokens: 0,
          reported: true,
        },
      },
    ]);
    expect(response).toMatchObject({
      content:
        "Hello! I'm doing well, thank you for asking. How are you doing today? Is there anything I can help you with?",
      finishReason: "stop",
      nativeFinishReason: "end_turn",
      id: "msg_01QC4g3HwBThD4BaNtBckFDJ",
      model: "claude-sonnet-4-5-20250929",
      toolCalls: [],
    });
    expect(response.message.native?.parts).toEqual([{ type: "text", text: response.content }]);
  });

  it("text mode: the text pieces alone", () => {
    const { items } = replay(
      sseBytes("vercel-anthropic-clear-thinking.1.chunks.txt"),
      [],
      facts(),
      true,
    );
    expect(items).toEqual(["925", " ÷ 5 ", "= 185"]);
  });

  it("thinking with its signature, then text", () => {
    const { items, response } = replay(
      sseBytes("vercel-anthropic-clear-thinking.1.chunks.txt"),
      [],
    );
    const reasoning = items.filter((i) => (i as StreamEvent).type === "reasoning");
    expect(reasoning[0]).toEqual({ type: "reasoning", text: "The previous" });
    expect(response.reasoningContent).toBe(
      "The previous result was 925. Now I need to divide that by 5.\n\n925 ÷ 5 = 185",
    );
    const [thinking, text] = response.message.native?.parts ?? [];
    expect(thinking).toMatchObject({ type: "thinking", thinking: response.reasoningContent });
    expect(String(thinking?.signature)).toMatch(/^EvQBCkYICxgCKkAxhD4N.+/);
    expect(text).toEqual({ type: "text", text: "925 ÷ 5 = 185" });
    expect(response.message.reasoningContent).toBe(response.reasoningContent);
  });

  it("a tool call: id and name first, arguments in pieces, then the call", () => {
    const { items, response } = replay(sseBytes("vercel-anthropic-json-tool.1.chunks.txt"), []);
    const calls = items.filter((i) => (i as StreamEvent).type.startsWith("tool-call"));
    expect(calls[0]).toEqual({
      type: "tool-call-delta",
      index: 0,
      id: "toolu_01KFbKqPYSuAKujiL6mTfzYA",
      name: "json",
      argumentsDelta: "",
    });
    expect(calls.at(-1)).toEqual({ type: "tool-call", toolCall: response.toolCalls[0] });
    const args = calls
      .filter((c) => (c as StreamEvent).type === "tool-call-delta")
      .map((c) => (c as { argumentsDelta: string }).argumentsDelta)
      .join("");
    expect(args).toBe(response.toolCalls[0]?.rawArguments);
    expect(response.toolCalls[0]?.arguments).toEqual({
      elements: [{ location: "San Francisco", temperature: 58, condition: "sunny" }],
    });
    expect(response.finishReason).toBe("tool_calls");
    expect(response.message.native?.parts).toEqual([
      {
        type: "tool_use",
        id: "toolu_01KFbKqPYSuAKujiL6mTfzYA",
        name: "json",
        input: { elements: [{ location: "San Francisco", temperature: 58, condition: "sunny" }] },
      },
    ]);
  });

  it("the same tool as the structured-output tool: its input is the reply's text", () => {
    const exchange = facts({ responseFormat: { type: "json_object" } });
    const { items, response } = replay(
      sseBytes("vercel-anthropic-json-tool.1.chunks.txt"),
      [],
      exchange,
    );
    expect(items.some((i) => (i as StreamEvent).type.startsWith("tool-call"))).toBe(false);
    expect(JSON.parse(response.content)).toEqual({
      elements: [{ location: "San Francisco", temperature: 58, condition: "sunny" }],
    });
    expect(response).toMatchObject({
      finishReason: "stop",
      nativeFinishReason: "tool_use",
      toolCalls: [],
    });
    expect(response.message.native?.parts).toEqual([{ type: "text", text: response.content }]);
  });

  it("a tool without arguments: {} (the stream's one empty delta)", () => {
    const { response } = replay(sseBytes("vercel-anthropic-tool-no-args.chunks.txt"), []);
    expect(response.content).toBe("I'll update the issue list for you.");
    expect(response.toolCalls).toEqual([
      {
        id: "toolu_01QE1WLsSVp5hy5Q3GmGTmjP",
        name: "updateIssueList",
        arguments: {},
        rawArguments: "",
      },
    ]);
  });

  it("llama.cpp: a tool_use start without input, arguments cut by max_tokens", () => {
    const { response } = replay(sseBytes("llama-cpp-tool-stream.sse"), []);
    expect(response.finishReason).toBe("length");
    expect(response.nativeFinishReason).toBe("max_tokens");
    const [call] = response.toolCalls;
    expect(call).toMatchObject({
      id: "fR4HAhDKH1PDl7MoUzswFbmn94ZKvWzV",
      name: "lookup",
      arguments: undefined,
    });
    expect(call?.rawArguments).toBe('{"word" :".¶¶¶');
    // Known only at message_delta: the final response says the call was cut.
    expect(call?.error?.feedback).toContain("cut off before they were complete");
    expect(response.message.native?.parts).toEqual([
      { type: "tool_use", id: "fR4HAhDKH1PDl7MoUzswFbmn94ZKvWzV", name: "lookup", input: {} },
    ]);
    expect(response.usage).toMatchObject({
      promptTokens: 120,
      cachedPromptTokens: 15,
      completionTokens: 9,
    });
  });

  it("llama.cpp text: cache reads are part of the prompt", () => {
    const { response } = replay(sseBytes("llama-cpp-stream.sse"), []);
    expect(response).toMatchObject({
      content: "¶¶¶¶¶¶",
      finishReason: "length",
      id: "chatcmpl-mutoKYzB95JvkwLVc67Mq9ObuxS8IAJO",
      model: "tiny",
      usage: { promptTokens: 53, cachedPromptTokens: 10, completionTokens: 6, totalTokens: 59 },
    });
  });

  it("server tools, their results and citations are kept in the native parts only", () => {
    const mcp = replay(sseBytes("vercel-anthropic-mcp.1.chunks.txt"), []).response;
    expect(mcp.toolCalls).toEqual([]);
    expect(mcp.message.native?.parts.map((p) => p.type)).toEqual([
      "mcp_tool_use",
      "mcp_tool_result",
      "text",
    ]);
    expect(mcp.message.native?.parts[0]?.input).toEqual({ message: "hello world" });
    const cited = replay(sseBytes("citations.sse"), []).response;
    expect(cited.content).toBe("In Tokyo, Apple Ginza reopened on September 26 — 東京 🍎");
    expect(cited.message.native?.parts[1]).toMatchObject({
      type: "text",
      text: "Apple Ginza reopened on September 26 — 東京 🍎",
      citations: [
        { type: "web_search_result_location", url: expect.stringContaining("apple.com") },
      ],
    });
  });

  it("a refusal: content_filter, refusal kept as the native reason", () => {
    const { response } = replay(sseBytes("sdk-stream-a-refusal.sse"), []);
    expect(response).toMatchObject({
      finishReason: "content_filter",
      nativeFinishReason: "refusal",
      content: "Hi",
    });
    const empty = replay(sseBytes("vercel-anthropic-refusal.chunks.txt"), []).response;
    expect(empty).toMatchObject({ finishReason: "content_filter", content: "", toolCalls: [] });
    expect(empty.message.native?.parts).toEqual([]);
  });

  it("a repeated message_start of the same message is ignored", () => {
    const { response } = replay(sseBytes("vercel-duplicate-message-start.chunks.txt"), []);
    expect(response).toMatchObject({
      id: "msg_dup",
      content: "Hello, World!",
      finishReason: "stop",
    });
    expect(response.usage).toMatchObject({ promptTokens: 17, completionTokens: 227 });
  });

  it("two messages spliced into one stream are no answer", () => {
    expect(() => replay(sseBytes("vercel-spliced-message-start.chunks.txt"), [])).toThrow(
      /started a second message before the first one ended/,
    );
  });
});

/** One SSE event. */
const ev = (type: string, body: object = {}) =>
  `event: ${type}\ndata: ${JSON.stringify({ type, ...body })}\n\n`;
const start = ev("message_start", {
  message: { id: "msg_1", model: "m", usage: { input_tokens: 3 } },
});
const stop =
  ev("message_delta", { delta: { stop_reason: "end_turn" }, usage: { output_tokens: 2 } }) +
  ev("message_stop");
const textBlock = (index: number, text: string) =>
  ev("content_block_start", { index, content_block: { type: "text", text: "" } }) +
  ev("content_block_delta", { index, delta: { type: "text_delta", text } }) +
  ev("content_block_stop", { index });

function run(text: string, exchange = facts(), textOnly = false) {
  return replay(Buffer.from(text), [], exchange, textOnly);
}

describe("a tool call cut by max_tokens", () => {
  it("its tool-call event says it was cut, as the response does: reported once the stop reason came", () => {
    const { items, response } = replay(sseBytes("llama-cpp-tool-stream.sse"), []);
    const events = items.filter(
      (item): item is Extract<StreamEvent, { type: "tool-call" }> =>
        typeof item !== "string" && item.type === "tool-call",
    );
    expect(events).toHaveLength(1);
    expect(response.finishReason).toBe("length");
    const said = events[0]?.toolCall.error?.issues[0]?.message;
    expect(said).toContain("cut off");
    expect(said).toBe(response.toolCalls[0]?.error?.issues[0]?.message);
    // Reported before the finish event, as every protocol reports its calls.
    const kinds = items.map((item) => (typeof item === "string" ? "text" : item.type));
    expect(kinds.indexOf("tool-call")).toBeLessThan(kinds.indexOf("finish"));
  });
});

describe("a secret cut across two blocks", () => {
  const KEY = "sk-ant-api03-SPLITKEY0123456789abcdefghij";
  const thinkingBlock = (index: number, thinking: string) =>
    ev("content_block_start", { index, content_block: { type: "thinking", thinking: "" } }) +
    ev("content_block_delta", { index, delta: { type: "thinking_delta", thinking } }) +
    ev("content_block_delta", { index, delta: { type: "signature_delta", signature: "sig" } }) +
    ev("content_block_stop", { index });

  it.each([
    ["text blocks", textBlock(0, `a ${KEY.slice(0, 20)}`) + textBlock(1, `${KEY.slice(20)} b`)],
    [
      "thinking blocks",
      thinkingBlock(0, `a ${KEY.slice(0, 20)}`) + thinkingBlock(1, `${KEY.slice(20)} b`),
    ],
    [
      "text blocks with a tool call between",
      textBlock(0, `a ${KEY.slice(0, 20)}`) +
        ev("content_block_start", {
          index: 1,
          content_block: { type: "tool_use", id: "t1", name: "f", input: {} },
        }) +
        ev("content_block_stop", { index: 1 }) +
        textBlock(2, `${KEY.slice(20)} b`),
    ],
  ])("%s: masked in the events, the text, the response and its native parts", (_name, blocks) => {
    const body = start + blocks + stop;
    const exchange = facts({ secrets: [KEY] });
    for (const textOnly of [false, true]) {
      const { items, response } = run(body, exchange, textOnly);
      const joined = items
        .map((item) =>
          typeof item === "string"
            ? item
            : item.type === "text" || item.type === "reasoning"
              ? item.text
              : "",
        )
        .join("");
      const everything = JSON.stringify({ joined, items, response });
      for (const piece of [KEY, KEY.slice(0, 20), KEY.slice(20)])
        expect(everything).not.toContain(piece.slice(3));
      if (!textOnly) expect(joined).toMatch(/^a .+ b$/);
    }
    // The body of the same answer: its native parts hold no half of the key either.
    const whole = parseMessage(accumulate(Buffer.from(body)), exchange);
    expect(JSON.stringify(whole)).not.toContain(KEY.slice(20, 30));
    expect(JSON.stringify(whole)).not.toContain(KEY.slice(5, 15));
  });
});

describe("stream events", () => {
  it("a stream cut before message_stop is an InvalidResponseError", () => {
    const cut =
      start + textBlock(0, "Hello") + ev("message_delta", { delta: { stop_reason: "end_turn" } });
    let error: unknown;
    try {
      run(cut);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(InvalidResponseError);
    expect(String(error)).toContain("no message_stop");
  });

  it("message_stop with no block and no stop reason is an InvalidResponseError", () => {
    expect(() => run(start + ev("message_stop"))).toThrow(/no content and no stop_reason/);
  });

  it.each([
    ["overloaded_error", ServerError, 529, true],
    ["rate_limit_error", RateLimitError, 429, true],
    ["api_error", ServerError, 500, true],
  ] as const)("an error event (%s) is typed", (type, kind, status, retryable) => {
    const text = `${start}event: error\ndata: {"type":"error","error":{"type":"${type}","message":"later"}}\n\n`;
    try {
      run(text);
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(kind);
      expect(error).toMatchObject({ status, retryable, type });
    }
  });

  it("an invalid_request_error event is a BadRequestError; llama.cpp's OpenAI-shaped one too", () => {
    expect(() =>
      run(
        `${start}event: error\ndata: {"type":"error","error":{"type":"invalid_request_error","message":"no"}}\n\n`,
      ),
    ).toThrow(expect.objectContaining({ name: "BadRequestError", status: 400 }));
    expect(() =>
      run(`data: {"error":{"code":503,"message":"Loading model","type":"unavailable_error"}}\n\n`),
    ).toThrow(expect.objectContaining({ name: "ServerError", status: 503 }));
  });

  it("pings are no progress, other events are; an event that is not JSON is refused", () => {
    const reader = new MessageStreamReader(facts(), false);
    reader.onData('{"type": "ping"}', "ping");
    expect(reader.dataEvents).toBe(0);
    reader.onData(JSON.stringify({ type: "message_start", message: { id: "x" } }), "message_start");
    expect(reader.dataEvents).toBe(1);
    expect(() => reader.onData("{oops", "content_block_delta")).toThrow(InvalidResponseError);
  });

  it("events are told apart by their data's type without event names", () => {
    const bare = (start + textBlock(0, "hi") + stop).replace(/^event: .*\n/gm, "");
    expect(run(bare).response.content).toBe("hi");
  });

  it("unknown events and delta types are ignored; the block is kept", () => {
    const text =
      start +
      ev("content_block_start", { index: 0, content_block: { type: "future_block", data: "x" } }) +
      ev("content_block_delta", { index: 0, delta: { type: "future_delta", bits: 1 } }) +
      ev("content_block_stop", { index: 0 }) +
      ev("future_event", { what: 1 }) +
      stop;
    const { response } = run(text);
    expect(response.message.native?.parts).toEqual([{ type: "future_block", data: "x" }]);
  });

  it("redacted thinking is kept whole in the native parts, and is not reasoning", () => {
    const text =
      start +
      ev("content_block_start", {
        index: 0,
        content_block: { type: "redacted_thinking", data: "EmwKAhgB" },
      }) +
      ev("content_block_stop", { index: 0 }) +
      textBlock(1, "ok") +
      stop;
    const { response } = run(text);
    expect(response.reasoningContent).toBeUndefined();
    expect(response.message.native?.parts).toEqual([
      { type: "redacted_thinking", data: "EmwKAhgB" },
      { type: "text", text: "ok" },
    ]);
  });

  it("tool calls are indexed among tool calls, not among blocks", () => {
    const tool = (index: number, id: string) =>
      ev("content_block_start", {
        index,
        content_block: { type: "tool_use", id, name: "f", input: {} },
      }) +
      ev("content_block_delta", {
        index,
        delta: { type: "input_json_delta", partial_json: '{"a":1}' },
      }) +
      ev("content_block_stop", { index });
    const { items } = run(start + textBlock(0, "x") + tool(1, "t1") + tool(2, "t2") + stop);
    const deltas = items.filter((i) => (i as StreamEvent).type === "tool-call-delta") as {
      index: number;
      id?: string;
    }[];
    expect(deltas.map((d) => [d.index, d.id])).toEqual([
      [0, "t1"],
      [0, undefined],
      [1, "t2"],
      [1, undefined],
    ]);
  });

  it("a tool call sent without an id: the id made up for it is the first event's, the call's and the turn's", () => {
    const call =
      ev("content_block_start", {
        index: 0,
        content_block: { type: "tool_use", id: "", name: "f", input: {} },
      }) +
      ev("content_block_delta", {
        index: 0,
        delta: { type: "input_json_delta", partial_json: '{"a":1}' },
      }) +
      ev("content_block_stop", { index: 0 });
    const { items, response } = run(start + call + stop);
    const first = items.find((i) => (i as StreamEvent).type === "tool-call-delta") as {
      id?: string;
    };
    const id = response.toolCalls[0]?.id;
    expect(id).toMatch(/^call_\d+$/);
    expect(first.id).toBe(id);
    expect(response.message.native?.parts[0]).toMatchObject({ type: "tool_use", id });
  });

  it("a block index out of range, a block started twice, too many blocks: InvalidResponseError", () => {
    expect(() => run(start + textBlock(MAX_BLOCKS, "x") + stop)).toThrow(/index outside 0 to 255/);
    expect(() => run(start + textBlock(0, "x") + textBlock(0, "y") + stop)).toThrow(
      /started content block 0 twice/,
    );
    let many = start;
    for (let i = 0; i < MAX_BLOCKS; i++) many += textBlock(i, "x");
    expect(run(many + stop).response.content).toBe("x".repeat(MAX_BLOCKS));
  });

  it("a tool call's input for a block never started: refused, not dropped", () => {
    const input = ev("content_block_delta", {
      index: 0,
      delta: { type: "input_json_delta", partial_json: '{"word":"x"}' },
    });
    expect(() => run(start + input + stop)).toThrow(
      /a tool call's input for content block 0, never started/,
    );
    // Text before its start is still read: it needs neither a name nor an id.
    const text = ev("content_block_delta", { index: 0, delta: { type: "text_delta", text: "hi" } });
    expect(run(start + text + stop).response.content).toBe("hi");
  });

  it("the assembled response is bounded by maxBytes", () => {
    const big = start + textBlock(0, "x".repeat(600)) + textBlock(1, "y".repeat(600)) + stop;
    expect(() => run(big, facts({ maxBytes: 1_000 }))).toThrow(/grew past maxResponseBytes/);
  });

  it("a key echoed into text, thinking, tool input and signature is masked everywhere", () => {
    const KEY = "sk-ant-LEAKCANARY-0123456789abcdef";
    const exchange = facts({ secrets: [KEY] });
    fc.assert(
      fc.property(fc.array(fc.nat(KEY.length), { maxLength: 4 }), (cuts) => {
        const pieces = cutText(`before ${KEY} after`, cuts);
        const json = cutText(JSON.stringify({ q: KEY }), cuts);
        const text =
          ev("message_start", { message: { id: `msg_${KEY}`, model: KEY, usage: {} } }) +
          ev("content_block_start", {
            index: 0,
            content_block: { type: "thinking", thinking: "", signature: "" },
          }) +
          pieces
            .map((t) =>
              ev("content_block_delta", {
                index: 0,
                delta: { type: "thinking_delta", thinking: t },
              }),
            )
            .join("") +
          pieces
            .map((t) =>
              ev("content_block_delta", {
                index: 0,
                delta: { type: "signature_delta", signature: t },
              }),
            )
            .join("") +
          ev("content_block_stop", { index: 0 }) +
          ev("content_block_start", { index: 1, content_block: { type: "text", text: "" } }) +
          pieces
            .map((t) =>
              ev("content_block_delta", { index: 1, delta: { type: "text_delta", text: t } }),
            )
            .join("") +
          ev("content_block_stop", { index: 1 }) +
          ev("content_block_start", {
            index: 2,
            content_block: { type: "tool_use", id: KEY, name: KEY, input: {} },
          }) +
          json
            .map((t) =>
              ev("content_block_delta", {
                index: 2,
                delta: { type: "input_json_delta", partial_json: t },
              }),
            )
            .join("") +
          ev("content_block_stop", { index: 2 }) +
          ev("content_block_start", {
            index: 3,
            content_block: { type: "redacted_thinking", data: KEY },
          }) +
          ev("content_block_stop", { index: 3 }) +
          ev("message_delta", { delta: { stop_reason: KEY } }) +
          ev("message_stop");
        for (const textOnly of [false, true]) {
          const result = run(text, exchange, textOnly);
          expect(JSON.stringify(result)).not.toContain(KEY);
          expect(JSON.stringify(result)).not.toContain("LEAKCANARY-0123");
        }
      }),
      { numRuns: 100 },
    );
  });
});

describe("a stream and the body of the same answer", () => {
  const piece = fc.string({ unit: "grapheme", maxLength: 6 });
  const block = fc.oneof(
    fc.record({ type: fc.constant("text" as const), pieces: fc.array(piece, { maxLength: 4 }) }),
    fc.record({
      type: fc.constant("thinking" as const),
      pieces: fc.array(piece, { maxLength: 4 }),
      signature: fc.base64String({ maxLength: 40 }),
    }),
    fc.record({
      type: fc.constant("tool_use" as const),
      id: fc.stringMatching(/^toolu_[a-z0-9]{1,6}$/),
      input: fc.dictionary(fc.string({ maxLength: 4 }), fc.jsonValue({ maxDepth: 2 }), {
        maxKeys: 3,
      }),
      cuts: fc.array(fc.nat(), { maxLength: 4 }),
    }),
  );
  const answer = fc.record({
    blocks: fc.array(block, { maxLength: 4 }),
    stop: fc.constantFrom("end_turn", "tool_use", "max_tokens", "stop_sequence", "pause_turn"),
    usage: fc.record({
      input_tokens: fc.nat(5000),
      cache_read_input_tokens: fc.nat(5000),
      cache_creation_input_tokens: fc.nat(5000),
      output_tokens: fc.nat(5000),
    }),
  });

  it("give the same response, however the pieces and the bytes are cut", () => {
    fc.assert(
      fc.property(answer, fc.array(fc.nat(), { maxLength: 8 }), (a, cuts) => {
        let text = ev("message_start", {
          message: {
            id: "msg_p",
            model: "claude",
            content: [],
            usage: { input_tokens: a.usage.input_tokens },
          },
        });
        const content: object[] = [];
        a.blocks.forEach((b, index) => {
          if (b.type === "tool_use") {
            const json = JSON.stringify(b.input);
            text += ev("content_block_start", {
              index,
              content_block: { type: "tool_use", id: b.id, name: "f", input: {} },
            });
            for (const p of cutText(json, b.cuts))
              text += ev("content_block_delta", {
                index,
                delta: { type: "input_json_delta", partial_json: p },
              });
            content.push({ type: "tool_use", id: b.id, name: "f", input: JSON.parse(json) });
          } else if (b.type === "text") {
            text += ev("content_block_start", { index, content_block: { type: "text", text: "" } });
            for (const p of b.pieces)
              text += ev("content_block_delta", { index, delta: { type: "text_delta", text: p } });
            content.push({ type: "text", text: b.pieces.join("") });
          } else {
            text += ev("content_block_start", {
              index,
              content_block: { type: "thinking", thinking: "", signature: "" },
            });
            for (const p of b.pieces)
              text += ev("content_block_delta", {
                index,
                delta: { type: "thinking_delta", thinking: p },
              });
            text += ev("content_block_delta", {
              index,
              delta: { type: "signature_delta", signature: b.signature },
            });
            content.push({ type: "thinking", thinking: b.pieces.join(""), signature: b.signature });
          }
          text += ev("content_block_stop", { index });
        });
        text +=
          ev("message_delta", { delta: { stop_reason: a.stop }, usage: a.usage }) +
          ev("message_stop");
        const bytes = Buffer.from(text);
        const streamed = replay(
          bytes,
          cuts.map((c) => c % bytes.length),
        ).response;
        const body = parseMessage(
          {
            id: "msg_p",
            type: "message",
            role: "assistant",
            model: "claude",
            content,
            stop_reason: a.stop,
            usage: a.usage,
          },
          facts(),
        );
        expect(streamed.message.native).toEqual(body.message.native);
        const calls = (r: typeof body) =>
          r.toolCalls.map((c) => ({ id: c.id, name: c.name, arguments: c.arguments }));
        expect(calls(streamed)).toEqual(calls(body));
        expect({ ...streamed, toolCalls: [], message: {} }).toEqual({
          ...body,
          toolCalls: [],
          message: {},
        });
      }),
      { numRuns: 300 },
    );
  });
});

/** Text cut at the given points (modulo its length). */
function cutText(text: string, cuts: readonly number[]): string[] {
  const points = [...new Set(cuts.map((c) => c % (text.length + 1)))].sort((a, b) => a - b);
  const pieces: string[] = [];
  let from = 0;
  for (const point of points) {
    pieces.push(text.slice(from, point));
    from = point;
  }
  pieces.push(text.slice(from));
  return pieces;
}
