import { ChatClient } from "@loom/llm-core";
import {
  createFakeServer,
  type FakeServer,
  PROVIDER_SHAPES,
  providerCompletion,
  providerStream,
} from "@loom/llm-testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

let server: FakeServer;
let llm: ChatClient;
beforeAll(async () => {
  server = await createFakeServer();
  llm = new ChatClient({}, { baseUrl: server.baseUrl, model: "m", maxRetries: 0 });
});
afterAll(async () => {
  await llm.close();
  await server.close();
});

const shapes = PROVIDER_SHAPES;
const hello = { messages: [{ role: "user" as const, content: "hi" }] };

describe("providerStream / providerCompletion", () => {
  it.each(shapes)(
    "%s: text and reasoning stream to the same response as the completion",
    async (shape) => {
      const script = {
        text: ["Bon", "jour"],
        reasoning: ["deepseek", "vllm", "groq"].includes(shape) ? ["Think", "ing"] : [],
      };
      server.enqueue(providerStream(shape, script), providerCompletion(shape, script));
      const streamed = await llm.stream(hello).response();
      const whole = await llm.call(hello);
      expect(streamed.content).toBe("Bonjour");
      expect(whole.content).toBe("Bonjour");
      expect(streamed.reasoningContent).toBe(whole.reasoningContent);
      if (script.reasoning.length > 0) expect(streamed.reasoningContent).toBe("Thinking");
      expect(streamed.finishReason).toBe("stop");
    },
  );

  it.each(shapes)("%s: tool calls arrive as the same parsed calls", async (shape) => {
    const script = {
      toolCalls: [
        { name: "get_weather", arguments: { city: "Zürich", days: 3 } },
        { name: "get_time", arguments: { tz: "CET" } },
      ],
    };
    server.enqueue(providerStream(shape, script), providerCompletion(shape, script));
    const streamed = await llm.stream(hello).response();
    const whole = await llm.call(hello);
    const shape_ = (calls: typeof streamed.toolCalls) => calls.map((c) => [c.name, c.arguments]);
    expect(shape_(streamed.toolCalls)).toEqual([
      ["get_weather", { city: "Zürich", days: 3 }],
      ["get_time", { tz: "CET" }],
    ]);
    expect(shape_(whole.toolCalls)).toEqual(shape_(streamed.toolCalls));
    // Early-2025 llama.cpp sends empty ids: the client makes up unique ones.
    expect(new Set(streamed.toolCalls.map((c) => c.id)).size).toBe(2);
    if (shape === "llama.cpp")
      for (const call of streamed.toolCalls) expect(call.id).toMatch(/^[A-Za-z0-9]{32}$/);
    // Ollama too since 2024 (replies) and 2025 (streams).
    expect(streamed.finishReason).toBe("tool_calls");
  });

  it("usage: OpenAI in a trailing chunk, DeepSeek on the finish chunk with cache fields, Ollama only when asked", async () => {
    const usage = { prompt_tokens: 12, completion_tokens: 3, total_tokens: 15 };
    server.enqueue(
      providerStream("openai", { text: ["a"], usage }),
      providerStream("deepseek", { text: ["a"], usage }),
    );
    expect((await llm.stream(hello).response()).usage).toMatchObject({
      promptTokens: 12,
      reported: true,
    });
    expect((await llm.stream(hello).response()).usage).toMatchObject({
      promptTokens: 12,
      cachedPromptTokens: 0,
      reported: true,
    });
    const noUsage = new ChatClient({}, { baseUrl: server.baseUrl, model: "m", streamUsage: false });
    server.enqueue(providerStream("ollama", { text: ["a"], usage }));
    expect((await noUsage.stream(hello).response()).usage.reported).toBe(false);
    await noUsage.close();
  });

  it("early-2025 llama.cpp names the model file and ends with [DONE] and no blank line", async () => {
    server.enqueue(providerStream("llama.cpp-2025", { text: ["x"] }));
    expect((await llm.stream(hello).response()).model).toBe("models/tiny.gguf");
  });

  it("a current llama.cpp: role delta first, usage only when asked, timings", async () => {
    const usage = { prompt_tokens: 7, completion_tokens: 1, total_tokens: 8 };
    server.enqueue(providerStream("llama.cpp", { text: ["x"], usage }));
    const events: string[] = [];
    const stream = llm.stream(hello);
    for await (const event of stream.events()) events.push(event.type);
    const res = await stream.response();
    expect(res).toMatchObject({
      model: "tiny",
      content: "x",
      usage: { promptTokens: 7, reported: true },
    });
    const noUsage = new ChatClient({}, { baseUrl: server.baseUrl, model: "m", streamUsage: false });
    server.enqueue(providerStream("llama.cpp", { text: ["x"], usage }));
    expect((await noUsage.stream(hello).response()).usage.reported).toBe(false);
    await noUsage.close();
  });
});

describe("routes", () => {
  it("match by model, by stream, by predicate; the last reply repeats; the queue is the rest", async () => {
    server.when(
      { model: "big" },
      providerCompletion("openai", { text: ["big 1"] }),
      providerCompletion("openai", { text: ["big 2"] }),
    );
    server.when({ stream: true }, providerStream("openai", { text: ["streamed"] }));
    server.when(
      { test: (r) => JSON.stringify(r.body).includes("secret word") },
      providerCompletion("openai", { text: ["you found it"] }),
    );
    server.enqueue(providerCompletion("openai", { text: ["from the queue"] }));
    expect((await llm.call({ ...hello, model: "big" })).content).toBe("big 1");
    expect((await llm.call({ ...hello, model: "big" })).content).toBe("big 2");
    expect((await llm.call({ ...hello, model: "big" })).content).toBe("big 2");
    expect((await llm.stream(hello).response()).content).toBe("streamed");
    expect(
      (await llm.call({ messages: [{ role: "user", content: "the secret word" }] })).content,
    ).toBe("you found it");
    expect((await llm.call(hello)).content).toBe("from the queue");
    server.reset();
  });
});
