import {
  InvalidResponseError,
  RateLimitError,
  ServerError,
  type StreamEvent,
} from "@loom/llm-types";
import { describe, expect, it } from "vitest";
import {
  chunkStreams,
  factsWith,
  fixtureBytes,
  replay,
  sse,
} from "../__fixtures__/replay.fixture.js";
import { parseResponse } from "../response/parse-response.js";
import { ResponsesStreamReader } from "./responses-stream-reader.js";

type Json = Record<string, unknown>;

const reasoningStreams = chunkStreams("vercel-openai-reasoning-encrypted-content.1.chunks.txt");
const recorded: [string, Buffer][] = [
  ["llama.cpp text stream", fixtureBytes("llama-server-text-stream.sse.txt")],
  ["llama.cpp function call stream", fixtureBytes("llama-server-tool-stream.sse.txt")],
  [
    "openai-node data-only stream ending in [DONE]",
    fixtureBytes("openai-node-text-stream.sse.txt"),
  ],
  ...reasoningStreams.map((bytes, i): [string, Buffer] => [
    `OpenAI reasoning tool loop, turn ${i + 1}`,
    bytes,
  ]),
  [
    "OpenAI tool search then a function call",
    chunkStreams("vercel-openai-tool-search.1.chunks.txt")[0] as Buffer,
  ],
  [
    "OpenAI commentary and final answer messages",
    chunkStreams("vercel-openai-phase.1.chunks.txt")[0] as Buffer,
  ],
];

/** The `response` of a stream's last `response.completed` event, as a body would hold it. */
function completedBody(bytes: Buffer): unknown {
  const lines = bytes
    .toString("utf8")
    .split("\n")
    .filter((l) => l.startsWith("data: {"));
  const events = lines.map((l) => JSON.parse(l.slice(6)) as Json);
  return events.find((e) => e.type === "response.completed")?.response;
}

describe("recorded streams", () => {
  it.each(recorded)(
    "%s: the same events and response however the bytes are cut in two",
    (_name, bytes) => {
      const whole = JSON.stringify(replay(bytes));
      for (let cut = 1; cut < bytes.length; cut++) {
        const split = JSON.stringify(replay(bytes, [cut]));
        if (split !== whole) expect(split, `cut at byte ${cut}`).toBe(whole);
      }
    },
    // A replay per byte of a 30 KB recording: 4 s on a quiet machine, several times that
    // beside the rest of the suite on 2 shared cores.
    120_000,
  );

  it("a reasoning turn: summary as reasoning, the encrypted content of the done item kept, a parsed call", () => {
    const { items, response } = replay(reasoningStreams[0] as Buffer);
    expect(response.reasoningContent).toMatch(/^\*\*Calculating step-by-step using calculator\*\*/);
    expect(response).toMatchObject({
      content: "",
      finishReason: "tool_calls",
      model: "gpt-5.1-codex-max",
      id: "resp_01830d662ab3856501693c321345c88190b0de00f3b9975691",
      toolCalls: [
        {
          id: "call_AB6AaRZ1FYZB2RwS6A5vbdqn",
          name: "calculator",
          arguments: { a: 12, b: 7, op: "add" },
        },
      ],
      usage: { promptTokens: 134, completionTokens: 28, totalTokens: 162, reported: true },
    });
    const parts = response.message.native?.parts ?? [];
    expect(parts.map((p) => p.type)).toEqual(["reasoning", "function_call"]);
    // The added item's encrypted content may be incomplete: the done item's is the one kept.
    const done = reasoningStreams[0]
      ?.toString("utf8")
      .split("\n")
      .filter((l) => l.startsWith("data: "))
      .map((l) => JSON.parse(l.slice(6)) as Json)
      .find((e) => e.type === "response.output_item.done" && (e.item as Json).type === "reasoning");
    expect(parts[0]).toEqual(done?.item);
    // Events in the order a consumer acts on them: reasoning, the call as it streams, the call.
    const types = (items as StreamEvent[]).map((e) => e.type);
    expect(types.indexOf("reasoning")).toBeLessThan(types.indexOf("tool-call-delta"));
    expect(types.slice(-3)).toEqual(["tool-call", "finish", "usage"]);
    const deltas = (items as StreamEvent[]).filter((e) => e.type === "tool-call-delta");
    expect(deltas[0]).toMatchObject({
      index: 0,
      id: "call_AB6AaRZ1FYZB2RwS6A5vbdqn",
      name: "calculator",
    });
    expect(deltas.map((d) => (d.type === "tool-call-delta" ? d.argumentsDelta : "")).join("")).toBe(
      '{"a":12,"b":7,"op":"add"}',
    );
  });

  it.each([
    ["llama.cpp text stream", 0],
    ["llama.cpp function call stream", 1],
    ["OpenAI reasoning tool loop, turn 1", 3],
    ["OpenAI reasoning tool loop, turn 4", 6],
    ["OpenAI tool search then a function call", 7],
  ])("%s: the streamed response is the one its body gives", (_name, index) => {
    const bytes = (recorded[index] as [string, Buffer])[1];
    // OpenAI encrypts the reasoning afresh each time it writes it out: the done item's
    // encrypted content and the completed response's differ byte for byte (both are valid).
    const sealed = (value: unknown) =>
      JSON.parse(
        JSON.stringify(value).replace(/"encrypted_content":"[^"]*"/g, '"encrypted_content":"…"'),
      );
    expect(sealed(replay(bytes).response)).toEqual(
      sealed(parseResponse(completedBody(bytes), factsWith())),
    );
  });

  it("items without output_index (llama.cpp) and with gaps in it (OpenAI) keep their order", () => {
    const phase = replay((recorded[8] as [string, Buffer])[1]).response;
    expect(phase.message.native?.parts.map((p) => p.phase)).toEqual(["commentary", "final_answer"]);
    // The recording's deltas stop short of its done items' texts (a trimmed recording): the
    // rest of each is handed on when its item is done, so the answer is the done items' texts,
    // joined as the official SDKs' `output_text` joins messages.
    const texts = (phase.message.native?.parts ?? []).map(
      (part) => (part.content as { text: string }[])[0]?.text ?? "",
    );
    expect(texts[0]).toMatch(/^Got it — I’ll quickly check/);
    expect(texts[1]).toMatch(/^Here are a few \*\*AI headlines/);
    expect(phase.content).toBe(texts.join(""));
    const search = replay((recorded[7] as [string, Buffer])[1]).response;
    expect(search.message.native?.parts.map((p) => p.type)).toEqual([
      "tool_search_call",
      "tool_search_output",
      "function_call",
    ]);
  });

  it("a message whose done event never came is kept as the stream built it", () => {
    const { response } = replay((recorded[2] as [string, Buffer])[1]);
    expect(response.content).toBe("Hello world");
    expect(response.message.native?.parts).toEqual([
      {
        id: "msg_123",
        type: "message",
        role: "assistant",
        status: "in_progress",
        content: [{ type: "output_text", text: "Hello world", annotations: [] }],
      },
    ]);
  });

  it("text mode hands on the answer's text pieces alone", () => {
    const { items } = replay(
      fixtureBytes("llama-server-text-stream.sse.txt"),
      [],
      factsWith(),
      true,
    );
    expect(items).toEqual(["Grü", "ße", ", ", "世界", " 🦊"]);
    const call = replay(fixtureBytes("llama-server-tool-stream.sse.txt"), [], factsWith(), true);
    expect(call.items).toEqual([]);
    expect(call.response.toolCalls[0]?.arguments).toEqual({ word: "Zürich", n: 3 });
  });

  it("an error event then response.failed (insufficient_quota): a RateLimitError", () => {
    const [bytes] = chunkStreams("vercel-openai-error.1.chunks.txt");
    const error = catchError(() => replay(bytes as Buffer));
    expect(error).toBeInstanceOf(RateLimitError);
    expect((error as RateLimitError).message).toContain("You exceeded your current quota");
  });
});

const created = {
  type: "response.created",
  response: { id: "resp_1", model: "m-1", status: "in_progress" },
};
const message = (text: string, extra: Json = {}) => ({
  type: "message",
  id: "msg_1",
  role: "assistant",
  status: "completed",
  content: [{ type: "output_text", text, annotations: [] }],
  ...extra,
});
const usage = { input_tokens: 9, output_tokens: 4, total_tokens: 13 };

describe("events", () => {
  it("a response.incomplete for max_output_tokens: finish length, text and usage kept", () => {
    const { response, items } = replay(
      sse(
        created,
        {
          type: "response.output_item.added",
          output_index: 0,
          item: message("", { status: "in_progress", content: [] }),
        },
        {
          type: "response.output_text.delta",
          item_id: "msg_1",
          output_index: 0,
          delta: "Once upon",
        },
        {
          type: "response.incomplete",
          response: {
            id: "resp_1",
            status: "incomplete",
            incomplete_details: { reason: "max_output_tokens" },
            usage,
          },
        },
      ),
    );
    expect(response).toMatchObject({
      content: "Once upon",
      finishReason: "length",
      nativeFinishReason: "max_output_tokens",
      usage: { promptTokens: 9, completionTokens: 4, totalTokens: 13, reported: true },
    });
    expect(items.at(-2)).toEqual({ type: "finish", finishReason: "length" });
  });

  it("a function call cut by max_output_tokens: its arguments are reported as cut", () => {
    const { response } = replay(
      sse(
        created,
        {
          type: "response.output_item.added",
          output_index: 0,
          item: { type: "function_call", id: "fc_1", call_id: "call_1", name: "f", arguments: "" },
        },
        {
          type: "response.function_call_arguments.delta",
          item_id: "fc_1",
          output_index: 0,
          delta: '{"q": "ab',
        },
        {
          type: "response.incomplete",
          response: { status: "incomplete", incomplete_details: { reason: "max_output_tokens" } },
        },
      ),
    );
    expect(response.finishReason).toBe("length");
    expect(response.toolCalls[0]?.error?.message).toContain("cut off");
    expect(response.message.native?.parts).toEqual([
      { type: "function_call", id: "fc_1", call_id: "call_1", name: "f", arguments: '{"q": "ab' },
    ]);
  });

  it("reasoning parts and items are set apart by a blank line, as a body's are", () => {
    const item = (id: string, texts: string[]) => ({
      type: "reasoning",
      id,
      summary: texts.map((text) => ({ type: "summary_text", text })),
    });
    const events = [
      created,
      { type: "response.output_item.added", output_index: 0, item: item("rs_1", []) },
      {
        type: "response.reasoning_summary_text.delta",
        item_id: "rs_1",
        output_index: 0,
        summary_index: 0,
        delta: "First ",
      },
      {
        type: "response.reasoning_summary_text.delta",
        item_id: "rs_1",
        output_index: 0,
        summary_index: 0,
        delta: "part.",
      },
      {
        type: "response.reasoning_summary_text.delta",
        item_id: "rs_1",
        output_index: 0,
        summary_index: 1,
        delta: "Second.",
      },
      {
        type: "response.output_item.done",
        output_index: 0,
        item: item("rs_1", ["First part.", "Second."]),
      },
      // A server that streams reasoning text (llama.cpp, gpt-oss) rather than summaries.
      {
        type: "response.output_item.added",
        output_index: 1,
        item: { type: "reasoning", id: "rs_2", summary: [] },
      },
      {
        type: "response.reasoning_text.delta",
        item_id: "rs_2",
        output_index: 1,
        content_index: 0,
        delta: "Raw.",
      },
      { type: "response.completed", response: { status: "completed" } },
    ];
    const { response } = replay(sse(...events));
    expect(response.reasoningContent).toBe("First part.\n\nSecond.\n\nRaw.");
    const body = parseResponse(
      {
        status: "completed",
        output: [
          item("rs_1", ["First part.", "Second."]),
          {
            type: "reasoning",
            id: "rs_2",
            summary: [],
            content: [{ type: "reasoning_text", text: "Raw." }],
          },
        ],
      },
      factsWith(),
    );
    expect(body.reasoningContent).toBe(response.reasoningContent);
    // The item whose done never came is rebuilt from its deltas.
    expect(response.message.native?.parts[1]).toEqual({
      type: "reasoning",
      id: "rs_2",
      summary: [],
      content: [{ type: "reasoning_text", text: "Raw." }],
    });
  });

  it("refusal deltas are the refusal; a server sending items whole, without deltas, is read too", () => {
    const { response } = replay(
      sse(
        created,
        {
          type: "response.refusal.delta",
          item_id: "msg_1",
          output_index: 0,
          delta: "I can't help with that.",
        },
        {
          type: "response.output_item.done",
          output_index: 1,
          item: message("Whole text.", { id: "msg_2" }),
        },
        {
          type: "response.output_item.done",
          output_index: 2,
          item: {
            type: "function_call",
            id: "fc_9",
            call_id: "call_9",
            name: "g",
            arguments: '{"x":1}',
          },
        },
        { type: "response.completed", response: { status: "completed", usage } },
      ),
    );
    expect(response.refusal).toBe("I can't help with that.");
    expect(response.content).toBe("Whole text.");
    expect(response.toolCalls).toMatchObject([{ id: "call_9", name: "g", arguments: { x: 1 } }]);
    expect(response.finishReason).toBe("tool_calls");
  });

  it("events it has no use for are ignored, whatever they hold", () => {
    const { response } = replay(
      sse(
        created,
        { type: "response.web_search_call.searching", item_id: "ws_1", output_index: 0 },
        { type: "response.output_text.annotation.added", annotation: null },
        { type: "response.content_part.added", part: "odd" },
        { type: "response.output_text.done", text: 42 },
        { type: "response.output_item.added", item: null },
        { type: "response.output_item.done", item: [1, 2] },
        { type: "response.output_text.delta", delta: { not: "text" } },
        { type: "some.future.event", response: { status: "failed" } },
        { type: "response.completed", response: { status: "completed" } },
      ),
    );
    expect(response).toMatchObject({
      content: "",
      finishReason: "stop",
      id: "resp_1",
      model: "m-1",
    });
    expect(response.usage.reported).toBe(false);
  });

  it.each([
    ["rate_limit_exceeded", RateLimitError],
    ["server_error", ServerError],
  ] as const)("response.failed with %s is its typed error", (code, type) => {
    const error = catchError(() =>
      replay(
        sse(created, {
          type: "response.failed",
          response: { status: "failed", error: { code, message: "nope" } },
        }),
      ),
    );
    expect(error).toBeInstanceOf(type);
  });

  it("an error event with its fields at the top (the API reference's shape) is typed by its code", () => {
    const error = catchError(() =>
      replay(
        sse(created, {
          type: "error",
          code: "rate_limit_exceeded",
          message: "slow down",
          param: null,
        }),
      ),
    );
    expect(error).toBeInstanceOf(RateLimitError);
  });

  it("a stream that ends before response.completed is an InvalidResponseError", () => {
    const bytes = fixtureBytes("llama-server-text-stream.sse.txt");
    const cut = bytes.subarray(0, bytes.indexOf("event: response.completed"));
    const error = catchError(() => replay(cut));
    expect(error).toBeInstanceOf(InvalidResponseError);
    expect((error as Error).message).toContain("no response.completed");
  });

  it("an event that is not JSON is an InvalidResponseError quoting it", () => {
    const error = catchError(() =>
      replay(Buffer.from('event: response.created\ndata: {"type": "response.created", oops\n\n')),
    );
    expect(error).toBeInstanceOf(InvalidResponseError);
    expect((error as Error).message).toContain("oops");
  });

  it("deltas that name no item (a minimal server) build one item per kind, not one per delta", () => {
    const deltas = Array.from({ length: 300 }, () => ({
      type: "response.output_text.delta",
      delta: "a",
    }));
    const args = ["{", '"x":1}'].map((delta) => ({
      type: "response.function_call_arguments.delta",
      delta,
    }));
    const { response } = replay(
      sse(created, ...deltas, ...args, { type: "response.completed", response: {} }),
    );
    expect(response.content).toBe("a".repeat(300));
    expect(response.toolCalls).toMatchObject([{ arguments: { x: 1 } }]);
    expect(response.message.native?.parts.map((p) => p.type)).toEqual(["message", "function_call"]);
  });

  it("more than 256 output items is an InvalidResponseError", () => {
    const events = Array.from({ length: 257 }, (_, i) => ({
      type: "response.output_item.added",
      output_index: i,
      item: { type: "web_search_call", id: `ws_${i}` },
    }));
    expect(catchError(() => replay(sse(created, ...events)))).toBeInstanceOf(InvalidResponseError);
  });

  it("text, reasoning and arguments count together against maxBytes", () => {
    const events = [
      created,
      { type: "response.output_text.delta", item_id: "m", delta: "a".repeat(60) },
      { type: "response.reasoning_text.delta", item_id: "r", delta: "b".repeat(60) },
    ];
    const error = catchError(() => replay(sse(...events), [], factsWith([], { maxBytes: 100 })));
    expect(error).toBeInstanceOf(InvalidResponseError);
    expect((error as Error).message).toContain("maxResponseBytes");
  });

  it("a key split across deltas is masked in every text, every event and the kept items", () => {
    const KEY = "sk-proj-LEAK0123456789abcdefLEAK";
    const halves = [KEY.slice(0, 11), KEY.slice(11)];
    const events = [
      { ...created, response: { id: `resp_${KEY}`, model: KEY } },
      ...halves.map((delta) => ({ type: "response.output_text.delta", item_id: "msg_1", delta })),
      ...halves.map((delta) => ({ type: "response.reasoning_text.delta", item_id: "rs_1", delta })),
      ...halves.map((delta) => ({ type: "response.refusal.delta", item_id: "msg_1", delta })),
      {
        type: "response.output_item.added",
        item: { type: "function_call", id: "fc_1", call_id: KEY, name: KEY },
      },
      ...[`{"q":"${halves[0]}`, `${halves[1]}"}`].map((delta) => ({
        type: "response.function_call_arguments.delta",
        item_id: "fc_1",
        delta,
      })),
      {
        type: "response.output_item.done",
        item: {
          type: "reasoning",
          id: "rs_1",
          summary: [],
          encrypted_content: KEY,
          content: [{ type: "reasoning_text", text: KEY }],
        },
      },
      { type: "response.completed", response: { status: "completed" } },
    ];
    const bytes = sse(...events);
    for (const cut of [0, 100, 333, bytes.length - 40]) {
      const result = replay(bytes, cut === 0 ? [] : [cut], factsWith([KEY]));
      const printed = JSON.stringify(result);
      expect(printed).not.toContain(KEY);
      expect(printed).not.toContain(halves[1]);
      expect(result.response.toolCalls[0]?.arguments).toEqual({ q: "sk-proj-…LEAK" });
    }
  });
});

describe("the final texts of done events, against the deltas", () => {
  const added = {
    type: "response.output_item.added",
    output_index: 0,
    item: { type: "function_call", id: "fc_1", call_id: "call_1", name: "lookup", arguments: "" },
  };
  const argDeltas = (...pieces: string[]) =>
    pieces.map((delta) => ({
      type: "response.function_call_arguments.delta",
      item_id: "fc_1",
      output_index: 0,
      delta,
    }));
  const callDone = (args: string) => [
    {
      type: "response.function_call_arguments.done",
      item_id: "fc_1",
      output_index: 0,
      arguments: args,
    },
    {
      type: "response.output_item.done",
      output_index: 0,
      item: { ...added.item, arguments: args, status: "completed" },
    },
  ];
  /** The answer's message item, with `text` as its one output text. */
  const message = (text: string) => ({
    type: "message",
    id: "msg_1",
    role: "assistant",
    content: [{ type: "output_text", text, annotations: [] }],
  });
  const completed = (output: unknown[]) => ({
    type: "response.completed",
    response: { status: "completed", output },
  });

  it("arguments that disagree with their deltas: the final ones are the call, as a call's body gives it", () => {
    const final = '{"word":"FINAL"}';
    const bytes = sse(
      created,
      added,
      ...argDeltas('{"word":"ab', 'c"}'),
      ...callDone(final),
      completed([{ ...added.item, arguments: final }]),
    );
    const { items, response } = replay(bytes);
    expect(response.toolCalls).toMatchObject([{ id: "call_1", arguments: { word: "FINAL" } }]);
    expect(response.message.native?.parts).toMatchObject([{ arguments: final }]);
    expect(events(items).filter((e) => e.type === "tool-call")).toMatchObject([
      { toolCall: { arguments: { word: "FINAL" } } },
    ]);
    // The same as a call() of the completed body.
    const body = {
      id: "resp_1",
      status: "completed",
      output: [{ ...added.item, arguments: final }],
    };
    expect(parseResponse(body, factsWith()).toolCalls).toMatchObject([
      { arguments: { word: "FINAL" } },
    ]);
  });

  it("deltas that stop short of the final arguments: the rest is one more delta", () => {
    const bytes = sse(
      created,
      added,
      ...argDeltas('{"word":'),
      ...callDone('{"word":"abc"}'),
      completed([]),
    );
    const { items, response } = replay(bytes);
    const pieces = events(items).flatMap((e) =>
      e.type === "tool-call-delta" ? [e.argumentsDelta] : [],
    );
    expect(pieces.join("")).toBe('{"word":"abc"}');
    expect(response.toolCalls).toMatchObject([{ arguments: { word: "abc" } }]);
  });

  it("text whose deltas stop short of the done item's: the rest is handed on, stream and response agree", () => {
    const bytes = sse(
      created,
      { type: "response.output_item.added", output_index: 0, item: message("") },
      { type: "response.output_text.delta", item_id: "msg_1", output_index: 0, delta: "abc" },
      { type: "response.output_item.done", output_index: 0, item: message("abcdef") },
      completed([message("abcdef")]),
    );
    const { items, response } = replay(bytes);
    const texts = events(items).flatMap((e) => (e.type === "text" ? [e.text] : []));
    expect(texts.join("")).toBe("abcdef");
    expect(response.content).toBe("abcdef");
  });

  it("a repeated done item adds its text once", () => {
    const done = { type: "response.output_item.done", output_index: 0, item: message("Hello") };
    const bytes = sse(
      created,
      { type: "response.output_text.delta", item_id: "msg_1", output_index: 0, delta: "Hel" },
      done,
      done,
      completed([message("Hello")]),
    );
    const { items, response } = replay(bytes);
    expect(events(items).flatMap((e) => (e.type === "text" ? [e.text] : []))).toEqual([
      "Hel",
      "lo",
    ]);
    expect(response.content).toBe("Hello");
  });

  it("final arguments naming no call, or an item that is no call, make no call", () => {
    const bytes = sse(
      created,
      added,
      ...argDeltas('{"a":1}'),
      ...callDone('{"a":1}'),
      {
        type: "response.function_call_arguments.done",
        item_id: "fc_ZZ",
        output_index: 5,
        arguments: '{"b":2}',
      },
      { type: "response.function_call_arguments.done", item_id: "msg_1", arguments: '{"c":3}' },
      completed([]),
    );
    const { response } = replay(bytes);
    expect(response.toolCalls).toMatchObject([{ id: "call_1", arguments: { a: 1 } }]);
    expect(response.toolCalls).toHaveLength(1);
  });

  it("deltas after final arguments replaced them are not the call's: toolCalls and native agree", () => {
    const bytes = sse(
      created,
      added,
      ...argDeltas('{"z":'),
      {
        type: "response.function_call_arguments.done",
        item_id: "fc_1",
        output_index: 0,
        arguments: '{"a":1}',
      },
      ...argDeltas("more"),
      completed([]),
    );
    const { response } = replay(bytes);
    expect(response.toolCalls).toMatchObject([{ arguments: { a: 1 }, rawArguments: '{"a":1}' }]);
    expect(response.message.native?.parts).toMatchObject([{ arguments: '{"a":1}' }]);
  });

  it("a final key in arguments that replace their deltas is masked", () => {
    const KEY = "sk-proj-LEAK0123456789abcdefLEAK";
    const final = `{"q":"${KEY}"}`;
    const bytes = sse(
      created,
      added,
      ...argDeltas('{"q":"', 'x"}'),
      ...callDone(final),
      completed([]),
    );
    const result = replay(bytes, [], factsWith([KEY]));
    expect(JSON.stringify(result)).not.toContain(KEY);
    expect(result.response.toolCalls[0]?.arguments).toEqual({ q: "sk-proj-…LEAK" });
  });
});

/** The events among a replay's items (text mode hands on strings). */
function events(items: readonly (string | StreamEvent)[]): StreamEvent[] {
  return items.filter((item): item is StreamEvent => typeof item !== "string");
}

function catchError(run: () => unknown): unknown {
  try {
    run();
  } catch (error) {
    return error;
  }
  throw new Error("expected an error");
}

describe("a stream that sends only the final snapshot, or text with no item events", () => {
  it("no item events: the completed response's output is the answer, items and events too", () => {
    const output = [
      {
        type: "message",
        id: "msg_1",
        role: "assistant",
        status: "completed",
        content: [{ type: "output_text", text: "from snapshot", annotations: [] }],
      },
    ];
    const { items, response } = replay(
      sse(
        { type: "response.created", response: { id: "resp_1", model: "m" } },
        { type: "response.completed", response: { id: "resp_1", status: "completed", output } },
      ),
    );
    expect(response.content).toBe("from snapshot");
    expect(response.message.native?.parts).toEqual(output);
    expect(items).toContainEqual({ type: "text", text: "from snapshot" });
  });

  it("text known only from its deltas: the item sent back says it is the assistant's", () => {
    const { response } = replay(
      sse(
        { type: "response.output_text.delta", item_id: "msg_x", delta: "Hi" },
        { type: "response.completed", response: { status: "completed" } },
      ),
    );
    expect(response.content).toBe("Hi");
    expect(response.message.native?.parts).toEqual([
      expect.objectContaining({ type: "message", role: "assistant" }),
    ]);
  });
});

describe("more of the final snapshot, and the response's lifecycle", () => {
  it("two items of one id: refused, not merged into one call", () => {
    const call = (output_index: number) => ({
      type: "response.output_item.added",
      output_index,
      item: { type: "function_call", id: "f1", call_id: `call_${output_index}`, name: "t" },
    });
    const delta = (output_index: number) => ({
      type: "response.function_call_arguments.delta",
      output_index,
      item_id: "f1",
      delta: "{}",
    });
    expect(() =>
      replay(
        sse(
          { type: "response.created", response: { id: "resp_1" } },
          call(0),
          delta(0),
          call(1),
          delta(1),
          { type: "response.completed", response: { status: "completed" } },
        ),
      ),
    ).toThrow(/announced output item f1 twice/);
    // An item that began with a delta, then announced: one item, as before.
    const { response } = replay(
      sse({ type: "response.created", response: { id: "resp_1" } }, delta(0), call(0), {
        type: "response.completed",
        response: { status: "completed" },
      }),
    );
    expect(response.toolCalls.map((c) => [c.id, c.rawArguments])).toEqual([["call_0", "{}"]]);
  });

  it("an item announced and never streamed: filled from the completed response", () => {
    const done = {
      type: "message",
      id: "msg_1",
      role: "assistant",
      status: "completed",
      content: [{ type: "output_text", text: "FULL TEXT", annotations: [] }],
    };
    const { response } = replay(
      sse(
        { type: "response.created", response: { id: "resp_1" } },
        {
          type: "response.output_item.added",
          output_index: 0,
          item: { ...done, status: "in_progress", content: [] },
        },
        { type: "response.completed", response: { status: "completed", output: [done] } },
      ),
    );
    expect(response.content).toBe("FULL TEXT");
    expect(response.message.native?.parts).toEqual([done]);
  });

  it("lifecycle events are not progress: an in_progress every read holds off no idle timeout", () => {
    const reader = new ResponsesStreamReader(factsWith(), false);
    reader.onData(JSON.stringify({ type: "response.created", response: { id: "r" } }), undefined);
    for (let i = 0; i < 5; i++)
      reader.onData(
        JSON.stringify({ type: "response.in_progress", response: { id: "r" } }),
        "response.in_progress",
      );
    expect(reader.dataEvents).toBe(0);
    reader.onData(
      JSON.stringify({ type: "response.output_text.delta", item_id: "m", delta: "Hi" }),
      undefined,
    );
    expect(reader.dataEvents).toBe(1);
  });
});
