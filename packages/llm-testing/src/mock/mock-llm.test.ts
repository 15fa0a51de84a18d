import { AbortError, ConfigError, InvalidResponseError, RateLimitError } from "@loom/llm-types";
import { describe, expect, expectTypeOf, it } from "vitest";
import { z } from "zod";
import { MockExhaustedError } from "./mock-exhausted-error.js";
import { MockLLM } from "./mock-llm.js";

const ask = (content: string) => ({ messages: [{ role: "user" as const, content }] });

describe("MockLLM replies", () => {
  it("a string is the reply text; the response is complete", async () => {
    const mock = new MockLLM(["Paris."]);
    const res = await mock.call(ask("Capital of France?"));
    expect(res).toMatchObject({
      content: "Paris.",
      finishReason: "stop",
      toolCalls: [],
      model: "mock-model",
      id: "mock-1",
      provider: "mock",
      message: { role: "assistant", content: "Paris." },
    });
    expect(res.usage).toMatchObject({
      promptTokens: 5,
      completionTokens: 2,
      totalTokens: 7,
      reported: true,
    });
  });

  it("a partial response fills in the rest; usage merges", async () => {
    const mock = new MockLLM([
      {
        content: "x",
        finishReason: "length",
        model: "m2",
        usage: { promptTokens: 100, cachedPromptTokens: 60 },
      },
    ]);
    expect(await mock.call(ask("q"))).toMatchObject({
      finishReason: "length",
      model: "m2",
      usage: { promptTokens: 100, cachedPromptTokens: 60, totalTokens: 101 },
    });
  });

  it("tool calls come parsed, with ids, and are validated against zod tools", async () => {
    const mock = new MockLLM([
      {
        toolCalls: [
          { name: "weather", arguments: { city: "Paris" } },
          { id: "mine", name: "weather", arguments: '{"town":1}' },
        ],
      },
    ]);
    const res = await mock.call({
      ...ask("q"),
      tools: [{ name: "weather", parameters: z.object({ city: z.string() }) }],
    });
    expect(res.finishReason).toBe("tool_calls");
    expect(res.toolCalls[0]).toMatchObject({
      id: "call_1_1",
      name: "weather",
      arguments: { city: "Paris" },
      rawArguments: '{"city":"Paris"}',
    });
    expect(res.toolCalls[0]?.error).toBeUndefined();
    expect(res.toolCalls[1]?.id).toBe("mine");
    expect(res.toolCalls[1]?.error?.name).toBe("InvalidToolArgumentsError");
  });

  it("a request a provider would refuse is refused as it is: a ConfigError, nothing used", async () => {
    const mock = new MockLLM(["never"]);
    const bad = {
      messages: [
        { role: "user", content: [{ type: "image_url", image_url: { url: "https://x" } }] },
      ],
      temperature: 7,
    } as unknown as ReturnType<typeof ask>;
    for (const attempt of [() => mock.call(bad), () => mock.stream(bad).response()]) {
      const error = await attempt().then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(ConfigError.isInstance(error)).toBe(true);
      expect((error as ConfigError).issues.map((issue) => issue.path).sort()).toEqual([
        "request.messages.0.content.0",
        "request.temperature",
      ]);
    }
    expect(mock.calls).toHaveLength(0);
    expect(mock.remaining).toBe(1);
  });

  it("an error is thrown: the real classes", async () => {
    const mock = new MockLLM([
      new RateLimitError({ message: "slow down", status: 429, retryAfterMs: 1000 }),
    ]);
    await expect(mock.call(ask("q"))).rejects.toBeInstanceOf(RateLimitError);
  });

  it("a function of the request, sync or async", async () => {
    const mock = new MockLLM([
      (request) => `you said ${String(request.messages.at(-1)?.content)}`,
      async (_request, call) => `call ${call}`,
    ]);
    expect((await mock.call(ask("ping"))).content).toBe("you said ping");
    expect((await mock.call(ask("x"))).content).toBe("call 2");
  });

  it("structured output is parsed and validated like a real provider's", async () => {
    const schema = z.object({ city: z.string() });
    const mock = new MockLLM(['{"city":"Paris"}', '{"town":"Paris"}', '{"city":"Lyon"}']);
    const res = await mock.call({ ...ask("q"), responseFormat: { type: "json_schema", schema } });
    expectTypeOf(res.parsed).toEqualTypeOf<{ city: string } | undefined>();
    expect(res.parsed).toEqual({ city: "Paris" });
    await expect(
      mock.call({ ...ask("q"), responseFormat: { type: "json_schema", schema } }),
    ).rejects.toBeInstanceOf(InvalidResponseError);
    const streamed = await mock
      .stream({ ...ask("q"), responseFormat: { type: "json_schema", schema } })
      .response();
    expectTypeOf(streamed.parsed).toEqualTypeOf<{ city: string } | undefined>();
    expect(streamed.parsed).toEqual({ city: "Lyon" });
  });

  it("records every request", async () => {
    const mock = new MockLLM(["a", "b"]);
    await mock.call(ask("first"));
    await mock.stream(ask("second")).response();
    expect(mock.calls).toHaveLength(2);
    expect(mock.lastCall?.messages[0]?.content).toBe("second");
    expect(mock.remaining).toBe(0);
  });

  it("running out of replies fails clearly, saying which call and what it got", async () => {
    const mock = new MockLLM(["only one"]);
    await mock.call(ask("one"));
    const error = await mock.call(ask("what now?")).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MockExhaustedError);
    expect((error as MockExhaustedError).call).toBe(2);
    expect((error as Error).message).toContain(
      'no reply scripted for call #2 (1 messages, last message user: "what now?"); 1 replies were used',
    );
  });

  it("a fallback answers once the script is used up", async () => {
    const mock = new MockLLM([], { fallback: "default" });
    expect((await mock.call(ask("q"))).content).toBe("default");
    expect((await mock.call(ask("q"))).content).toBe("default");
  });

  it("an aborted signal: AbortError", async () => {
    await expect(
      new MockLLM(["x"]).call({ ...ask("q"), signal: AbortSignal.abort() }),
    ).rejects.toBeInstanceOf(AbortError);
  });
});

describe("MockLLM streams", () => {
  it("yields the reply in word chunks by default, or as configured", async () => {
    const pieces: string[] = [];
    for await (const piece of new MockLLM(["Hello big world"]).stream(ask("q"))) pieces.push(piece);
    expect(pieces).toEqual(["Hello ", "big ", "world"]);
    const chars: string[] = [];
    for await (const piece of new MockLLM(["abc"], { chunking: "char" }).stream(ask("q")))
      chars.push(piece);
    expect(chars).toEqual(["a", "b", "c"]);
    const sized: string[] = [];
    for await (const piece of new MockLLM(["abcdefg"], { chunking: 3 }).stream(ask("q")))
      sized.push(piece);
    expect(sized).toEqual(["abc", "def", "g"]);
  });

  it("a delay between chunks, and abort() stops the stream", async () => {
    const stream = new MockLLM(["one two three four"], { delayMs: 10 }).stream(ask("q"));
    const pieces: string[] = [];
    await expect(
      (async () => {
        for await (const piece of stream) {
          pieces.push(piece);
          if (pieces.length === 2) stream.abort();
        }
      })(),
    ).rejects.toBeInstanceOf(AbortError);
    expect(pieces).toEqual(["one ", "two "]);
    await expect(stream.response()).rejects.toBeInstanceOf(AbortError);
  });

  it("an error reply fails the stream before any chunk", async () => {
    const stream = new MockLLM([new RateLimitError({ message: "slow", status: 429 })]).stream(
      ask("q"),
    );
    await expect(stream.response()).rejects.toBeInstanceOf(RateLimitError);
  });

  it("reads the script once, whether iterated, awaited, or both", async () => {
    const mock = new MockLLM(["a b"]);
    const stream = mock.stream(ask("q"));
    const response = stream.response();
    for await (const _ of stream) {
      // iterate
    }
    expect((await response).content).toBe("a b");
    expect(mock.calls).toHaveLength(1);
  });
});

describe("MockLLM fails as a real provider does", () => {
  it("arguments that are not JSON: the call carries an InvalidToolArgumentsError, the response stands", async () => {
    const mock = new MockLLM([
      { toolCalls: [{ name: "lookup", arguments: '{"city":' }], finishReason: "length" },
      { toolCalls: [{ name: "lookup", arguments: "not json" }] },
    ]);
    const cut = await mock.call(ask("Weather?"));
    expect(cut.finishReason).toBe("length");
    expect(cut.toolCalls[0]?.arguments).toBeUndefined();
    expect(cut.toolCalls[0]?.error?.name).toBe("InvalidToolArgumentsError");
    expect(cut.toolCalls[0]?.error?.message).toContain("cut off");
    const events: string[] = [];
    for await (const event of mock.stream(ask("Weather?")).events()) events.push(event.type);
    expect(events).toContain("tool-call");
  });

  it("an empty tool-call id is made up, unique, as the client makes up llama.cpp's", async () => {
    const mock = new MockLLM([
      {
        toolCalls: [
          { id: "", name: "a", arguments: {} },
          { id: "", name: "b", arguments: {} },
        ],
      },
    ]);
    const ids = (await mock.call(ask("go"))).toolCalls.map((call) => call.id);
    expect(ids.every((id) => id !== "")).toBe(true);
    expect(new Set(ids).size).toBe(2);
  });

  it("a stream whose reply fails its format: its events first, then the error, with the paid response", async () => {
    const mock = new MockLLM(['{"town": 3}']);
    const stream = mock.stream({
      ...ask("Where?"),
      responseFormat: { type: "json_schema", schema: z.object({ city: z.string() }) },
    });
    const seen: string[] = [];
    const error = await (async () => {
      for await (const event of stream.events()) seen.push(event.type);
    })().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidResponseError);
    expect((error as InvalidResponseError).response?.content).toBe('{"town": 3}');
    expect(seen).toEqual(expect.arrayContaining(["text", "finish", "usage"]));
    expect(seen).not.toContain("response");
    await expect(stream.response()).rejects.toBe(error);
  });

  it("a scripted reply that takes its time is abortable", async () => {
    const mock = new MockLLM([
      () => new Promise<string>((resolve) => setTimeout(() => resolve("late"), 2_000)),
    ]);
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 50);
    const started = performance.now();
    await expect(mock.call({ ...ask("hi"), signal: controller.signal })).rejects.toBeInstanceOf(
      AbortError,
    );
    expect(performance.now() - started).toBeLessThan(1_500);
  });

  it("a stream's abort() ends a scripted reply that takes its time, as a real stream's does", async () => {
    const mock = new MockLLM([
      () => new Promise<string>((resolve) => setTimeout(() => resolve("late"), 2_000)),
    ]);
    const stream = mock.stream(ask("hi"));
    const iterated = (async () => {
      for await (const _ of stream) {
        // nothing comes before the abort
      }
    })();
    setTimeout(() => stream.abort(), 50);
    const started = performance.now();
    await expect(iterated).rejects.toBeInstanceOf(AbortError);
    await expect(stream.response()).rejects.toBeInstanceOf(AbortError);
    expect(performance.now() - started).toBeLessThan(1_500);
  });

  it("a refusal: on the response and streamed as refusal events; a response format is not applied", async () => {
    const refusal = "I can't help with that.";
    const mock = new MockLLM([{ refusal }, { refusal }]);
    const format = { responseFormat: { type: "json_object" as const } };
    const response = await mock.call({ ...ask("hi"), ...format });
    expect(response).toMatchObject({ content: "", refusal, finishReason: "stop" });
    expect(response.parsed).toBeUndefined();
    const stream = mock.stream({ ...ask("hi"), ...format });
    const refused: string[] = [];
    for await (const event of stream.events())
      if (event.type === "refusal") refused.push(event.text);
    expect(refused.join("")).toBe(refusal);
    expect((await stream.response()).refusal).toBe(refusal);
  });

  it("a scripted reply that takes its time ends at the call's deadline: a TimeoutError", async () => {
    const mock = new MockLLM([
      () => new Promise<string>((resolve) => setTimeout(() => resolve("late"), 2_000)),
    ]);
    const started = performance.now();
    await expect(mock.call({ ...ask("hi"), deadlineMs: 100 })).rejects.toMatchObject({
      name: "TimeoutError",
      phase: "deadline",
    });
    expect(performance.now() - started).toBeLessThan(1_500);
  });
});
