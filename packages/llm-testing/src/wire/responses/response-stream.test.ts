import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createFakeServer, type FakeServer } from "../../fake-server/create-fake-server.js";
import type { SseItem } from "../../fake-server/fake-reply.js";
import { responseBody } from "./response-body.js";
import { responseErrorEvent } from "./response-error-event.js";
import type { ResponseOptions } from "./response-script.js";
import { responseStream } from "./response-stream.js";

type Payload = Record<string, unknown> & { type: string };

function named(events: readonly SseItem[]): { event: string; payload: Payload }[] {
  return events.flatMap((item) =>
    typeof item === "object" && "event" in item && "data" in item
      ? [{ event: item.event, payload: JSON.parse(item.data) as Payload }]
      : [],
  );
}

/** Folds a stream's item events into the output they describe, as the API documents them. */
function assembleOutput(events: readonly SseItem[]): unknown[] {
  const output: Record<string, unknown>[] = [];
  for (const { payload } of named(events)) {
    const at = payload.output_index as number;
    // Every event after `output_item.added` finds its item (a missing one fails the test).
    const item = (output[at] ?? {}) as Record<string, unknown>;
    switch (payload.type) {
      case "response.output_item.added":
        output[at] = structuredClone(payload.item as Record<string, unknown>);
        break;
      case "response.content_part.added":
        (item.content as unknown[]).push(structuredClone(payload.part));
        break;
      case "response.output_text.delta": {
        const part = (item.content as { text: string }[])[payload.content_index as number];
        if (part) part.text += payload.delta as string;
        break;
      }
      case "response.reasoning_summary_part.added":
        (item.summary as unknown[]).push(structuredClone(payload.part));
        break;
      case "response.reasoning_summary_text.delta": {
        const part = (item.summary as { text: string }[])[payload.summary_index as number];
        if (part) part.text += payload.delta as string;
        break;
      }
      case "response.function_call_arguments.delta":
        item.arguments = `${item.arguments}${payload.delta}`;
        break;
      case "response.output_item.done":
        // The done item must be what the deltas built, its status aside.
        expect({ ...(payload.item as object), status: undefined }).toEqual({
          ...item,
          status: undefined,
        });
        output[at] = payload.item as Record<string, unknown>;
        break;
    }
  }
  return output;
}

const script: ResponseOptions = {
  reasoning: { summary: ["Weather ", "needed."], encryptedContent: "gAAAA-enc" },
  text: ["Rome ", "is ", "sunny ☀."],
  toolCalls: [{ name: "get_weather", arguments: { city: "Città" } }],
  usage: { input: 30, output: 20, cached: 10, reasoning: 8 },
};

describe("responseStream", () => {
  it("describes exactly the response responseBody makes of the same script", () => {
    const events = named(responseStream(script).events);
    expect(events.at(-1)?.payload.response).toEqual(responseBody(script));
    expect(assembleOutput(responseStream(script).events)).toEqual(responseBody(script).output);
    expect(events.at(-1)?.event).toBe("response.completed");
  });

  it("named, consecutively numbered events in the documented order", () => {
    const events = named(responseStream(script).events);
    for (const [i, { event, payload }] of events.entries()) {
      expect(event).toBe(payload.type);
      expect(payload.sequence_number).toBe(i);
    }
    expect(events.map(({ event }) => event.replace(/^response\./, ""))).toEqual([
      "created",
      "in_progress",
      "output_item.added",
      "reasoning_summary_part.added",
      "reasoning_summary_text.delta",
      "reasoning_summary_text.delta",
      "reasoning_summary_text.done",
      "reasoning_summary_part.done",
      "output_item.done",
      "output_item.added",
      "content_part.added",
      "output_text.delta",
      "output_text.delta",
      "output_text.delta",
      "output_text.done",
      "content_part.done",
      "output_item.done",
      "output_item.added",
      "function_call_arguments.delta",
      "function_call_arguments.delta",
      "function_call_arguments.done",
      "output_item.done",
      "completed",
    ]);
    const created = events[0]?.payload.response as Record<string, unknown>;
    expect(created).toMatchObject({ status: "in_progress", output: [], usage: null });
    expect(responseStream(script).done).toBe(false);
  });

  it("incomplete: ends with response.incomplete and the reason", () => {
    const events = named(responseStream({ text: "cut", status: "incomplete" }).events);
    expect(events.at(-1)?.event).toBe("response.incomplete");
    expect(events.at(-1)?.payload.response).toEqual(
      responseBody({ text: "cut", status: "incomplete" }),
    );
  });

  it("failure: the last item cut off, then error and response.failed (usage null)", () => {
    const events = named(
      responseStream({ text: ["par", "tial"], failure: { message: "The server had an error" } })
        .events,
    );
    expect(events.slice(-4).map(({ event }) => event)).toEqual([
      "response.output_text.delta",
      "response.output_text.delta",
      "error",
      "response.failed",
    ]);
    expect(events.at(-2)?.payload).toEqual({
      type: "error",
      sequence_number: events.length - 2,
      error: {
        type: "server_error",
        code: "server_error",
        message: "The server had an error",
        param: null,
      },
    });
    expect(events.at(-1)?.payload.response).toMatchObject({
      status: "failed",
      error: { code: "server_error", message: "The server had an error" },
      output: [{ type: "message", status: "in_progress" }],
      usage: null,
    });
    const quiet = named(
      responseStream({ failure: { code: "x", message: "y", errorEvent: false } }).events,
    );
    expect(quiet.some(({ event }) => event === "error")).toBe(false);
    expect(quiet.at(-1)?.event).toBe("response.failed");
  });

  it("responseErrorEvent: nested as the API sends it, or flat as the schema says", () => {
    expect(responseErrorEvent("insufficient_quota", "quota", { sequenceNumber: 2 })).toEqual({
      event: "error",
      data: '{"type":"error","sequence_number":2,"error":{"type":"insufficient_quota","code":"insufficient_quota","message":"quota","param":null}}',
    });
    expect(responseErrorEvent("c", "m", { shape: "flat", param: "input" })).toEqual({
      event: "error",
      data: '{"type":"error","sequence_number":0,"code":"c","message":"m","param":"input"}',
    });
  });
});

describe("responseStream over HTTP", () => {
  let server: FakeServer;
  beforeAll(async () => {
    server = await createFakeServer();
  });
  afterAll(() => server.close());

  it("is written as `event:` and `data:` lines, without [DONE]", async () => {
    server.enqueue(responseStream({ text: "Hi" }));
    const res = await fetch(`${server.baseUrl}/responses`, { method: "POST", body: "{}" });
    const frames = (await res.text()).split("\n\n");
    expect(frames.at(-1)).toBe("");
    expect(frames.slice(0, -1).every((frame) => /^event: [\w.]+\ndata: \{.*\}$/.test(frame))).toBe(
      true,
    );
    expect(frames[frames.length - 2]).toMatch(/^event: response\.completed\n/);
  });
});
