// The official `openai` client as the fake server's judge: every reply kind and provider shape
// must read the way a real server's does through it (its plain loops and its `.stream()` helper).
import {
  completionBody,
  createFakeServer,
  type FakeServer,
  PROVIDER_SHAPES,
  providerCompletion,
  providerStream,
  textStream,
  wireUsage,
} from "@loom/llm-testing";
import OpenAI from "openai";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";

let server: FakeServer;
let client: OpenAI;
beforeAll(async () => {
  server = await createFakeServer();
  client = new OpenAI({
    baseURL: server.baseUrl,
    apiKey: "sk-conformance-0123456789",
    maxRetries: 0,
  });
});
afterAll(() => server.close());
beforeEach(() => server.reset());

const messages = [{ role: "user" as const, content: "hi" }];
const shapes = PROVIDER_SHAPES;
const tools = [
  {
    type: "function" as const,
    function: {
      name: "get_weather",
      parameters: { type: "object", properties: { city: { type: "string" } } },
    },
  },
];

describe("the official openai client against the fake server", () => {
  it.each(shapes)("%s: a completion, text and tool calls", async (shape) => {
    server.enqueue(
      providerCompletion(shape, { text: ["Hello"] }),
      providerCompletion(shape, {
        toolCalls: [{ name: "get_weather", arguments: { city: "Rome" } }],
      }),
    );
    const text = await client.chat.completions.create({ model: "m", messages });
    expect(text.choices[0]?.message.content).toBe("Hello");
    const calls = await client.chat.completions.create({ model: "m", messages, tools });
    const call = calls.choices[0]?.message.tool_calls?.[0];
    expect(call?.type === "function" ? JSON.parse(call.function.arguments) : undefined).toEqual({
      city: "Rome",
    });
    expect(calls.choices[0]?.finish_reason).toBe("tool_calls");
  });

  it.each(shapes)(
    "%s: a stream read with the plain loop, without and with include_usage",
    async (shape) => {
      server.enqueue(
        providerStream(shape, { text: ["Hel", "lo"], usage: wireUsage(2, 5) }),
        providerStream(shape, { text: ["Hel", "lo"], usage: wireUsage(2, 5) }),
      );
      let text = "";
      // The ordinary loop every tutorial shows: it reads choices[0] of every chunk.
      for await (const chunk of await client.chat.completions.create({
        model: "m",
        messages,
        stream: true,
      }))
        text += chunk.choices[0]?.delta?.content ?? "";
      expect(text).toBe("Hello");
      let usage: OpenAI.CompletionUsage | null | undefined;
      for await (const chunk of await client.chat.completions.create({
        model: "m",
        messages,
        stream: true,
        stream_options: { include_usage: true },
      }))
        usage = chunk.usage ?? usage;
      expect(usage?.completion_tokens).toBe(2);
    },
  );

  // Early-2025 llama.cpp sent no role delta, and the official helper refuses such a stream: the
  // fake reproduces the server, so the helper refuses it too (the plain loop above reads it).
  it("llama.cpp-2025: the .stream() helper refuses a stream without a role delta, as with the real server", async () => {
    server.enqueue(providerStream("llama.cpp-2025", { text: ["a"] }));
    const error = await client.chat.completions
      .stream({ model: "m", messages })
      .finalChatCompletion()
      .catch((e: unknown) => e);
    expect((error as Error).message).toBe("missing role for choice 0");
  });

  // Mistral streams each tool call whole, without `index`: the helper reads its text, and
  // refuses its tool calls, as it does against Mistral's own API.
  it("mistral: the .stream() helper reads text, and refuses tool calls without an index", async () => {
    server.enqueue(
      providerStream("mistral", { text: ["a", "b"] }),
      providerStream("mistral", {
        toolCalls: [{ name: "get_weather", arguments: { city: "Paris" } }],
      }),
    );
    const text = await client.chat.completions
      .stream({ model: "m", messages })
      .finalChatCompletion();
    expect(text.choices[0]?.message.content).toBe("ab");
    const error = await client.chat.completions
      .stream({ model: "m", messages, tools })
      .finalChatCompletion()
      .catch((e: unknown) => e);
    expect((error as Error).message).toBe(
      "Chat completion stream contains an invalid tool call index: undefined",
    );
  });

  it.each(shapes.filter((shape) => shape !== "llama.cpp-2025" && shape !== "mistral"))(
    "%s: the .stream() helper assembles text and tool calls",
    async (shape) => {
      server.enqueue(
        providerStream(shape, { text: ["a", "b"] }),
        providerStream(shape, {
          toolCalls: [{ name: "get_weather", arguments: { city: "Paris" } }],
        }),
      );
      const text = await client.chat.completions
        .stream({ model: "m", messages })
        .finalChatCompletion();
      expect(text.choices[0]?.message.content).toBe("ab");
      const calls = await client.chat.completions
        .stream({ model: "m", messages, tools })
        .finalChatCompletion();
      const call = calls.choices[0]?.message.tool_calls?.[0];
      expect(call?.type === "function" ? JSON.parse(call.function.arguments) : undefined).toEqual({
        city: "Paris",
      });
    },
  );

  it("textStream and completionBody read as OpenAI's own", async () => {
    server.enqueue(textStream(["x", "y"]), {
      type: "json",
      body: completionBody({ content: "z" }),
    });
    const final = await client.chat.completions
      .stream({ model: "m", messages })
      .finalChatCompletion();
    expect(final.choices[0]?.message.content).toBe("xy");
    expect(
      (await client.chat.completions.create({ model: "m", messages })).choices[0]?.message.content,
    ).toBe("z");
  });

  it.each([
    [400, OpenAI.BadRequestError],
    [401, OpenAI.AuthenticationError],
    [403, OpenAI.PermissionDeniedError],
    [404, OpenAI.NotFoundError],
    [422, OpenAI.UnprocessableEntityError],
    [429, OpenAI.RateLimitError],
    [500, OpenAI.InternalServerError],
  ])(
    "an error status %i is the client's own error class, with the message",
    async (status, Class) => {
      server.enqueue({
        type: "error",
        status,
        body: { error: { message: `nope ${status}`, type: "x" } },
      });
      const error = await client.chat.completions
        .create({ model: "m", messages })
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(Class);
      expect((error as Error).message).toContain(`nope ${status}`);
    },
  );

  it("an error inside a stream is raised by the client", async () => {
    server.enqueue({
      type: "sse",
      events: [{ error: { message: "overloaded mid-stream", type: "server_error" } }],
    });
    const error = await (async () => {
      for await (const _ of await client.chat.completions.create({
        model: "m",
        messages,
        stream: true,
      })) {
        // read
      }
    })().catch((e: unknown) => e);
    expect((error as Error).message).toContain("overloaded mid-stream");
  });
});
