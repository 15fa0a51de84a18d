// MockLLM against the real client: the same scripted reply, streamed by MockLLM and by the
// fake server through a ChatClient, gives the same events and the same final response.
import { ChatClient, type ChatModel, runTools, type StreamEvent } from "@loom/llm-core";
import {
  createFakeServer,
  type FakeServer,
  MockLLM,
  textStream,
  wireUsage,
} from "@loom/llm-testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const ask = (content: string) => ({ messages: [{ role: "user" as const, content }] });

async function events(model: ChatModel, content = "hi"): Promise<StreamEvent[]> {
  const all: StreamEvent[] = [];
  for await (const event of model.stream(ask(content)).events()) all.push(event);
  return all;
}

describe("MockLLM stream parity with a real stream over the fake server", () => {
  let server: FakeServer;
  let real: ChatClient;
  beforeAll(async () => {
    server = await createFakeServer();
    real = new ChatClient({}, { baseUrl: server.baseUrl, model: "fake-model", provider: "mock" });
  });
  afterAll(async () => {
    await real.close();
    await server.close();
  });

  it("text: the same events and the same final response", async () => {
    server.enqueue(textStream(["Hello ", "world"], { usage: wireUsage(2, 3) }));
    const fromServer = await events(real);
    const mock = new MockLLM([
      {
        content: "Hello world",
        id: "chatcmpl-fake",
        model: "fake-model",
        usage: { promptTokens: 3, completionTokens: 2 },
      },
    ]);
    expect(await events(mock)).toEqual(fromServer);
  });

  it("tool calls: the same completed calls, finish, usage and response", async () => {
    const args = '{"city":"Paris"}';
    server.enqueue({
      type: "sse",
      events: [
        {
          id: "chatcmpl-fake",
          object: "chat.completion.chunk",
          created: 1,
          model: "fake-model",
          choices: [
            {
              index: 0,
              delta: {
                tool_calls: [
                  {
                    index: 0,
                    id: "call_1_1",
                    type: "function",
                    function: { name: "weather", arguments: "" },
                  },
                ],
              },
              finish_reason: null,
            },
          ],
        },
        {
          id: "chatcmpl-fake",
          object: "chat.completion.chunk",
          created: 1,
          model: "fake-model",
          choices: [
            {
              index: 0,
              delta: { tool_calls: [{ index: 0, function: { arguments: args } }] },
              finish_reason: null,
            },
          ],
        },
        {
          id: "chatcmpl-fake",
          object: "chat.completion.chunk",
          created: 1,
          model: "fake-model",
          choices: [{ index: 0, delta: {}, finish_reason: "tool_calls" }],
          usage: { prompt_tokens: 1, completion_tokens: 4, total_tokens: 5 },
        },
      ],
    });
    const fromServer = await events(real);
    const mock = new MockLLM([
      {
        toolCalls: [{ name: "weather", arguments: { city: "Paris" } }],
        id: "chatcmpl-fake",
        model: "fake-model",
        usage: { promptTokens: 1, completionTokens: 4 },
      },
    ]);
    expect(await events(mock)).toEqual(fromServer);
  });
});

describe("a plain-object mock still satisfies ChatModel", () => {
  it("three lines", async () => {
    const llm: ChatModel = new MockLLM(["Summary: ..."]);
    expect((await llm.call(ask("Summarize"))).content).toBe("Summary: ...");
  });
});

describe("MockLLM under runTools", () => {
  it("carries its context like a provider: tools without execute go to ctx.tool", async () => {
    const ran: unknown[] = [];
    const mock = new MockLLM(
      [{ toolCalls: [{ name: "search", arguments: { q: "loom" } }] }, "Found 3."],
      {
        context: {
          tool: (_name, args) => {
            ran.push(args);
            return "3 hits";
          },
        },
      },
    );
    const result = await runTools(mock, {
      messages: ask("find loom").messages,
      tools: [{ name: "search" }],
    });
    expect(ran).toEqual([{ q: "loom" }]);
    expect(result.response.content).toBe("Found 3.");
    expect(mock.calls[1]?.messages.at(-1)).toMatchObject({ role: "tool", content: "3 hits" });
  });
});
