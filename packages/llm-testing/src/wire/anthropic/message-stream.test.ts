import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createFakeServer, type FakeServer } from "../../fake-server/create-fake-server.js";
import type { SseItem } from "../../fake-server/fake-reply.js";
import { messageBody } from "./message-body.js";
import type { MessageOptions } from "./message-script.js";
import { messageStream } from "./message-stream.js";

type Payload = Record<string, unknown> & { type: string };

/** The named events of a stream: each name, and its parsed data. */
function named(events: readonly SseItem[]): { event: string; payload: Payload }[] {
  return events.flatMap((item) =>
    typeof item === "object" && "event" in item && "data" in item
      ? [{ event: item.event, payload: JSON.parse(item.data) as Payload }]
      : [],
  );
}

/** Folds a stream into the message it describes, the way the API documents its events. */
function assemble(events: readonly SseItem[]): Record<string, unknown> {
  let message: Record<string, unknown> = {};
  const blocks: Record<string, unknown>[] = [];
  const json: string[] = [];
  for (const { payload } of named(events)) {
    const index = payload.index as number;
    if (payload.type === "message_start") message = { ...(payload.message as object) };
    if (payload.type === "content_block_start") {
      blocks[index] = { ...(payload.content_block as object) };
      json[index] = "";
    }
    if (payload.type === "content_block_delta") {
      const delta = payload.delta as Record<string, string>;
      const block = blocks[index] as Record<string, unknown>;
      if (delta.type === "text_delta") block.text = `${block.text}${delta.text}`;
      if (delta.type === "thinking_delta") block.thinking = `${block.thinking}${delta.thinking}`;
      if (delta.type === "signature_delta") block.signature = delta.signature;
      if (delta.type === "input_json_delta") json[index] = `${json[index]}${delta.partial_json}`;
    }
    if (payload.type === "content_block_stop" && json[index])
      (blocks[index] as Record<string, unknown>).input = JSON.parse(json[index] ?? "");
    if (payload.type === "message_delta") {
      Object.assign(message, payload.delta);
      Object.assign(message.usage as object, payload.usage);
    }
  }
  return { ...message, content: blocks };
}

const script: MessageOptions = {
  thinking: [{ text: ["Let me ", "see."], signature: "sig-1" }],
  redactedThinking: ["opaque"],
  text: ["Rome ", "is ", "sunny."],
  toolCalls: [{ name: "get_weather", arguments: { city: "Città ☀" } }],
  usage: { input: 3, output: 30, cacheRead: 20, cacheWrite: 5 },
};

describe("messageStream", () => {
  it("describes exactly the message messageBody makes of the same script", () => {
    expect(assemble(messageStream(script).events)).toEqual(messageBody(script));
    expect(assemble(messageStream({}).events)).toEqual(messageBody({}));
  });

  it("frames blocks as the API does: ping after the first start, signature last, empty first JSON", () => {
    const events = named(messageStream(script).events);
    // Every event is named after its payload's type.
    for (const { event, payload } of events) expect(event).toBe(payload.type);
    const summary = events.map(({ payload }) => {
      const delta = payload.delta as { type?: string } | undefined;
      return payload.type === "content_block_delta" ? delta?.type : payload.type;
    });
    expect(summary).toEqual([
      "message_start",
      "content_block_start",
      "ping",
      "thinking_delta",
      "thinking_delta",
      "signature_delta",
      "content_block_stop",
      "content_block_start",
      "content_block_stop",
      "content_block_start",
      "text_delta",
      "text_delta",
      "text_delta",
      "content_block_stop",
      "content_block_start",
      "input_json_delta",
      "input_json_delta",
      "input_json_delta",
      "content_block_stop",
      "message_delta",
      "message_stop",
    ]);
    const start = events[0]?.payload.message as { stop_reason: unknown; usage: object };
    expect(start.stop_reason).toBeNull();
    expect(start.usage).toMatchObject({ input_tokens: 3, output_tokens: 1 });
    const tool = events.find(({ payload }) => payload.index === 3)?.payload;
    expect(tool?.content_block).toEqual({
      type: "tool_use",
      id: "toolu_1",
      name: "get_weather",
      input: {},
    });
    const firstJson = events[15]?.payload.delta;
    expect(firstJson).toEqual({ type: "input_json_delta", partial_json: "" });
    expect(messageStream(script).done).toBe(false);
  });

  it("options: no ping, argument piece size, output-only delta usage, stop sequence, delays", () => {
    const reply = messageStream({
      text: "a",
      toolCalls: [{ id: "toolu_x", name: "f", arguments: '{"k":"vvvv"}' }],
      ping: false,
      argumentPieceSize: 4,
      deltaUsage: "output",
      stopReason: "stop_sequence",
      stopSequence: "END",
      usage: { input: 1, output: 2 },
      delayMs: 3,
    });
    expect(
      reply.events.filter((item) => typeof item === "object" && "delayMs" in item),
    ).toHaveLength(named(reply.events).length);
    const events = named(reply.events).map(({ payload }) => payload);
    expect(events.some((payload) => payload.type === "ping")).toBe(false);
    const json = events.flatMap((payload) => {
      const delta = payload.delta as { partial_json?: string } | undefined;
      return delta?.partial_json === undefined ? [] : [delta.partial_json];
    });
    expect(json).toEqual(["", '{"k"', ':"vv', 'vv"}']);
    expect(events.at(-2)).toEqual({
      type: "message_delta",
      delta: { stop_reason: "stop_sequence", stop_sequence: "END" },
      usage: { output_tokens: 2 },
    });
  });

  it("a ping right after message_start when there is no content (a refusal)", () => {
    const events = named(messageStream({ text: null, stopReason: "refusal" }).events);
    expect(events.map(({ event }) => event)).toEqual([
      "message_start",
      "ping",
      "message_delta",
      "message_stop",
    ]);
  });

  it("error: breaks off after the content, the last block open, nothing after the error", () => {
    const events = named(
      messageStream({
        text: ["par", "tial"],
        error: { type: "overloaded_error", message: "Overloaded" },
      }).events,
    );
    expect(events.map(({ event }) => event)).toEqual([
      "message_start",
      "content_block_start",
      "ping",
      "content_block_delta",
      "content_block_delta",
      "error",
    ]);
    expect(events.at(-1)?.payload).toEqual({
      type: "error",
      error: { type: "overloaded_error", message: "Overloaded" },
    });
  });
});

describe("messageStream over HTTP", () => {
  let server: FakeServer;
  beforeAll(async () => {
    server = await createFakeServer();
  });
  afterAll(() => server.close());

  it("is written as `event:` and `data:` lines, without [DONE]", async () => {
    server.enqueue(messageStream({ text: "Hi", ping: false }));
    const res = await fetch(`${server.url}/v1/messages`, { method: "POST", body: "{}" });
    expect(res.headers.get("content-type")).toBe("text/event-stream");
    const text = await res.text();
    const frames = text.split("\n\n");
    expect(frames.at(-1)).toBe("");
    expect(frames.slice(0, -1).every((frame) => /^event: \w+\ndata: \{.*\}$/.test(frame))).toBe(
      true,
    );
    expect(frames[frames.length - 2]).toBe('event: message_stop\ndata: {"type":"message_stop"}');
    expect(text).not.toContain("[DONE]");
  });
});
