// n > 1: several answers to one request, from a body or interleaved in a stream, each assembled
// by its index. The chunk shapes are OpenAI's: each chunk carries one choice, every choice has
// its own role delta and finish chunk, and usage (for all of them) comes last.
import { completionBody, type SseItem, wireUsage } from "@loom/llm-testing";
import type { LLMResponse, StreamEvent } from "@loom/llm-types";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { failure, hello, serverAndClient } from "../../../test-support.fixture.js";

const { server, llm } = await serverAndClient();

const chunk = (index: number, delta: object, finish: string | null = null): object => ({
  id: "chatcmpl-n",
  object: "chat.completion.chunk",
  created: 1_790_000_000,
  model: "gpt-4o-mini-2024-07-18",
  choices: [{ index, delta, logprobs: null, finish_reason: finish }],
});

/** Two answers, "Paris." and "It is Paris.", interleaved piece by piece. */
const twoAnswers: SseItem[] = [
  chunk(0, { role: "assistant", content: "", refusal: null }),
  chunk(1, { role: "assistant", content: "", refusal: null }),
  chunk(0, { content: "Paris" }),
  chunk(1, { content: "It is" }),
  chunk(1, { content: " Paris." }),
  chunk(0, { content: "." }),
  chunk(0, {}, "stop"),
  chunk(1, {}, "stop"),
  {
    id: "chatcmpl-n",
    object: "chat.completion.chunk",
    model: "gpt-4o-mini-2024-07-18",
    choices: [],
    usage: wireUsage(9),
  },
];

const twoAnswersBody = {
  ...completionBody({ content: "Paris.", usage: wireUsage(9) }),
  choices: [
    // Out of order on purpose: answers are placed by `index`, not by position.
    {
      index: 1,
      message: { role: "assistant", content: "It is Paris.", refusal: null },
      finish_reason: "stop",
    },
    {
      index: 0,
      message: { role: "assistant", content: "Paris.", refusal: null },
      finish_reason: "stop",
    },
  ],
};

function expectTwoAnswers(res: LLMResponse): void {
  expect(res.content).toBe("Paris.");
  expect(res.message).toEqual({ role: "assistant", content: "Paris." });
  expect(res.usage.completionTokens).toBe(9);
  expect(res.choices?.map((c) => [c.index, c.content, c.finishReason])).toEqual([
    [0, "Paris.", "stop"],
    [1, "It is Paris.", "stop"],
  ]);
  expect(res.choices?.[1]?.message).toEqual({ role: "assistant", content: "It is Paris." });
}

describe("several answers (n > 1)", () => {
  it("n is sent as is; call() places each answer of the body by its index", async () => {
    server.enqueue({ type: "json", body: twoAnswersBody });
    const res = await llm.call({ ...hello, n: 2 });
    expect(server.lastJson().n).toBe(2);
    expectTwoAnswers(res);
  });

  it("a stream assembles interleaved answers apart, and gives the same response as call()", async () => {
    server.enqueue({ type: "sse", events: twoAnswers });
    const streamed = await llm.stream({ ...hello, n: 2 }).response();
    expect(server.lastJson().n).toBe(2);
    expectTwoAnswers(streamed);
    server.enqueue({ type: "json", body: twoAnswersBody });
    const called = await llm.call({ ...hello, n: 2 });
    expect(streamed.choices).toEqual(called.choices);
  });

  it("iterating text yields the first answer alone; events of the others carry their choice", async () => {
    server.enqueue({ type: "sse", events: twoAnswers });
    const pieces: string[] = [];
    for await (const piece of llm.stream({ ...hello, n: 2 })) pieces.push(piece);
    expect(pieces.join("")).toBe("Paris.");

    server.enqueue({ type: "sse", events: twoAnswers });
    const events: StreamEvent[] = [];
    for await (const event of llm.stream({ ...hello, n: 2 }).events()) events.push(event);
    const texts = (choice: number | undefined) =>
      events
        .filter((e) => e.type === "text" && e.choice === choice)
        .map((e) => (e.type === "text" ? e.text : ""));
    expect(texts(undefined).join("")).toBe("Paris.");
    expect(texts(1).join("")).toBe("It is Paris.");
    expect(events.filter((e) => e.type === "finish")).toEqual([
      { type: "finish", finishReason: "stop" },
      { type: "finish", finishReason: "stop", choice: 1 },
    ]);
    expect(events.filter((e) => e.type === "usage")).toHaveLength(1);
  });

  it("a stream answered with one JSON body reports every answer's events", async () => {
    server.enqueue({ type: "json", body: twoAnswersBody });
    const events: StreamEvent[] = [];
    const stream = llm.stream({ ...hello, n: 2 });
    for await (const event of stream.events()) events.push(event);
    expect(events.filter((e) => e.type === "text")).toEqual([
      { type: "text", text: "Paris." },
      { type: "text", text: "It is Paris.", choice: 1 },
    ]);
    expectTwoAnswers(await stream.response());
  });

  it("tool calls are assembled per answer, each with its own finish reason", async () => {
    const call = (index: number, id: string, args: string) =>
      chunk(index, {
        tool_calls: [{ index: 0, id, type: "function", function: { name: "f", arguments: args } }],
      });
    server.enqueue({
      type: "sse",
      events: [
        call(0, "call_a", '{"x":'),
        call(1, "call_b", '{"x":'),
        chunk(0, { tool_calls: [{ index: 0, function: { arguments: "1}" } }] }),
        chunk(1, { tool_calls: [{ index: 0, function: { arguments: "2" } }] }),
        chunk(0, {}, "tool_calls"),
        chunk(1, {}, "length"),
      ],
    });
    const res = await llm.stream({ ...hello, n: 2 }).response();
    expect(res.toolCalls).toMatchObject([{ id: "call_a", name: "f", arguments: { x: 1 } }]);
    const second = res.choices?.[1];
    expect(second?.finishReason).toBe("length");
    expect(second?.toolCalls[0]).toMatchObject({ id: "call_b", rawArguments: '{"x":2' });
    expect(second?.toolCalls[0]?.error?.message).toContain("cut off");
    expect(second?.message.toolCalls?.[0]?.id).toBe("call_b");
  });

  it("with a schema each answer is parsed; a bad one other than the first is its own error", async () => {
    const schema = z.object({ city: z.string() });
    const body = (second: string) => ({
      ...twoAnswersBody,
      choices: [
        {
          index: 0,
          message: { role: "assistant", content: '{"city":"Paris"}' },
          finish_reason: "stop",
        },
        { index: 1, message: { role: "assistant", content: second }, finish_reason: "stop" },
      ],
    });
    server.enqueue({ type: "json", body: body('{"city":"Lyon"}') });
    const good = await llm.call({
      ...hello,
      n: 2,
      responseFormat: { type: "json_schema", schema },
    });
    expect(good.parsed).toEqual({ city: "Paris" });
    expect(good.choices?.map((c) => c.parsed)).toEqual([{ city: "Paris" }, { city: "Lyon" }]);

    server.enqueue({ type: "json", body: body('{"town":1}') });
    const mixed = await llm.call({
      ...hello,
      n: 2,
      responseFormat: { type: "json_schema", schema },
    });
    expect(mixed.parsed).toEqual({ city: "Paris" });
    expect(mixed.choices?.[1]?.parsed).toBeUndefined();
    expect(mixed.choices?.[1]?.error?.message).toContain("does not match its schema");
  });

  it("a stream cut before every answer finished is an error, even if the first one did", async () => {
    server.enqueue({ type: "sse", done: false, events: twoAnswers.slice(0, 7) });
    const error = await failure(llm.stream({ ...hello, n: 2 }).response());
    expect(error.name).toBe("InvalidResponseError");
    expect(error.message).toContain("ended before the model finished");
  });

  it("n out of range is refused before anything is sent; n: 1 is not sent", async () => {
    for (const n of [0, 129, 1.5]) {
      const error = await failure(llm.call({ ...hello, n }));
      expect(error.name).toBe("ConfigError");
      expect(error.message).toContain("n: must be an integer from 1 to 128");
    }
    expect(server.requests).toHaveLength(0);
    server.enqueue({ type: "json", body: completionBody() });
    const res = await llm.call({ ...hello, n: 1 });
    expect("n" in server.lastJson()).toBe(false);
    expect(res.choices).toBeUndefined();
  });

  it("a choice index no request can produce is an InvalidResponseError, called or streamed", async () => {
    for (const index of [1e9, -1, 1.5, "1"]) {
      server.enqueue({ type: "sse", events: [chunk(index as number, { content: "x" }, "stop")] });
      const streamed = await failure(llm.stream(hello).response());
      expect(streamed.name).toBe("InvalidResponseError");
      expect(streamed.message).toContain("choice index outside 0 to 127");
      server.enqueue({
        type: "json",
        body: {
          ...twoAnswersBody,
          choices: [{ index, message: { role: "assistant", content: "x" }, finish_reason: "stop" }],
        },
      });
      const called = await failure(llm.call(hello));
      expect(called.message).toContain("choice index outside 0 to 127");
    }
  });

  it("two choices with one index in a body: an InvalidResponseError, not a guess", async () => {
    const answer = { message: { role: "assistant", content: "x" }, finish_reason: "stop" };
    server.enqueue({
      type: "json",
      body: {
        ...twoAnswersBody,
        choices: [
          { index: 0, ...answer },
          { index: 0, ...answer },
        ],
      },
    });
    const error = await failure(llm.call({ ...hello, n: 2 }));
    expect(error.message).toContain("two choices with index 0");
  });

  it("a stream chunk whose choices is not a list is an error, as in a body", async () => {
    server.enqueue({ type: "sse", events: [{ id: "c", choices: { index: 0 } }] });
    const error = await failure(llm.stream(hello).response());
    expect(error.message).toContain("choices is not a list");
  });

  it("a stream cut before an asked-for answer ever began is an error, not fewer answers", async () => {
    server.enqueue({ type: "sse", done: false, events: [chunk(0, { content: "A" }, "stop")] });
    const error = await failure(llm.stream({ ...hello, n: 2 }).response());
    expect(error.message).toContain("no finish reason for every answer");
  });

  it("usage reported after each answer (llama.cpp) is summed: the prompt once, completions added", async () => {
    const usage = (completion: number) => ({
      id: "c",
      choices: [],
      usage: { prompt_tokens: 29, completion_tokens: completion, total_tokens: 29 + completion },
    });
    server.enqueue({
      type: "sse",
      events: [
        chunk(1, { content: "b" }),
        chunk(0, { content: "a" }),
        chunk(1, {}, "length"),
        usage(2),
        chunk(0, {}, "length"),
        usage(3),
      ],
    });
    const res = await llm.stream({ ...hello, n: 2 }).response();
    expect(res.usage).toMatchObject({ promptTokens: 29, completionTokens: 5, totalTokens: 34 });
    // One report for all (OpenAI) is taken as it is.
    server.enqueue({ type: "sse", events: twoAnswers });
    expect((await llm.stream({ ...hello, n: 2 }).response()).usage.completionTokens).toBe(9);
  });
});
