// `loom-llm replay` reading recorded Anthropic Messages exchanges: each request as Loom's
// portable messages (the top-level system, tool_use as tool calls, tool_result as tool messages),
// each answer as its text and usage (the prompt with its cache reads and writes), whole or
// streamed; a malformed line is a usage error naming the file, the line and the field.
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { completionBody, messageBody, messageStream } from "@loom/llm-testing";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { cli } from "./cli.fixture.js";
import { recordedExchange, transcriptOf, withField } from "./recorded-exchange.fixture.js";
import { parseTranscript } from "./recorded-turns.js";

const dir = mkdtempSync(join(tmpdir(), "loom-messages-transcript-"));

const weather = { id: "toolu_1", name: "get_weather", arguments: { city: "Paris" } };

describe("replay reads Anthropic Messages exchanges", () => {
  it("called, through a tool loop: system, tool calls and results, usage with the cache", () => {
    const asked = recordedExchange(
      "/v1/messages",
      {
        model: "claude-haiku-4-5",
        max_tokens: 1024,
        system: "Answer briefly.",
        messages: [{ role: "user", content: "Weather in Paris?" }],
        tools: [{ name: "get_weather", input_schema: { type: "object" } }],
      },
      messageBody({
        toolCalls: [weather],
        usage: { input: 40, output: 12, cacheRead: 1000, cacheWrite: 200 },
      }),
    );
    const answered = recordedExchange(
      "/v1/messages",
      {
        model: "claude-haiku-4-5",
        max_tokens: 1024,
        // A cache mark makes the system a list of text blocks.
        system: [{ type: "text", text: "Answer briefly.", cache_control: { type: "ephemeral" } }],
        messages: [
          { role: "user", content: [{ type: "text", text: "Weather in Paris?" }] },
          {
            role: "assistant",
            content: [
              { type: "thinking", thinking: "The tool knows.", signature: "c2ln" },
              { type: "text", text: "Let me look." },
              { type: "tool_use", id: "toolu_1", name: "get_weather", input: { city: "Paris" } },
              { type: "tool_use", id: "toolu_2", name: "get_time", input: {} },
            ],
          },
          {
            // Tool results and the user's next words share one user turn.
            role: "user",
            content: [
              {
                type: "tool_result",
                tool_use_id: "toolu_1",
                content: [{ type: "text", text: "rain, 14°C" }],
              },
              { type: "tool_result", tool_use_id: "toolu_2", content: "9:00", is_error: false },
              { type: "text", text: "And " },
              { type: "image", source: { type: "url", url: "https://example.com/sky.png" } },
              { type: "text", text: "tomorrow?" },
            ],
          },
        ],
      },
      messageBody({
        text: "Rain today, sun tomorrow.",
        usage: { input: 60, output: 7, cacheRead: 1000 },
      }),
    );
    const turns = parseTranscript(transcriptOf(asked, answered), "t.jsonl");
    expect(turns).toEqual([
      {
        messages: [
          { role: "system", content: "Answer briefly." },
          { role: "user", content: "Weather in Paris?" },
        ],
        model: "claude-haiku-4-5",
        answer: "",
        // Anthropic's input_tokens leave the cache out: the prompt is 40 + 1000 read + 200 written.
        usage: {
          promptTokens: 1240,
          completionTokens: 12,
          cachedPromptTokens: 1000,
          cacheWriteTokens: 200,
        },
      },
      {
        messages: [
          { role: "system", content: "Answer briefly." },
          { role: "user", content: "Weather in Paris?" },
          {
            role: "assistant",
            content: "Let me look.",
            toolCalls: [
              {
                id: "toolu_1",
                name: "get_weather",
                arguments: { city: "Paris" },
                rawArguments: '{"city":"Paris"}',
              },
              { id: "toolu_2", name: "get_time", arguments: {}, rawArguments: "{}" },
            ],
          },
          { role: "tool", toolCallId: "toolu_1", content: "rain, 14°C" },
          { role: "tool", toolCallId: "toolu_2", content: "9:00" },
          { role: "user", content: "And tomorrow?" },
        ],
        model: "claude-haiku-4-5",
        answer: "Rain today, sun tomorrow.",
        usage: { promptTokens: 1060, completionTokens: 7, cachedPromptTokens: 1000 },
      },
    ]);
  });

  it("streamed: the text deltas (not the thinking), usage from message_start and message_delta", () => {
    const ask = (content: string) => ({
      model: "claude-haiku-4-5",
      max_tokens: 1024,
      stream: true,
      messages: [{ role: "user", content }],
    });
    const text = parseTranscript(
      transcriptOf(
        // The SDK's beta endpoints add a query.
        recordedExchange(
          "/v1/messages?beta=true",
          ask("Weather?"),
          messageStream({
            thinking: [{ text: ["The tool ", "knows."], signature: "c2ln" }],
            text: ["Rain ", "today."],
            usage: { input: 20, output: 5, cacheWrite: 100 },
          }),
        ),
        // llama.cpp and older API versions: the output count alone in message_delta.
        recordedExchange(
          "/anthropic/v1/messages",
          ask("Again?"),
          messageStream({ text: ["Sun."], usage: { input: 8, output: 3 }, deltaUsage: "output" }),
        ),
        recordedExchange(
          "/v1/messages",
          ask("Tool?"),
          messageStream({ toolCalls: [weather], usage: { input: 9, output: 4 } }),
        ),
      ),
      "t.jsonl",
    );
    expect(text.map(({ answer, usage }) => ({ answer, usage }))).toEqual([
      {
        answer: "Rain today.",
        usage: { promptTokens: 120, completionTokens: 5, cacheWriteTokens: 100 },
      },
      { answer: "Sun.", usage: { promptTokens: 8, completionTokens: 3 } },
      { answer: "", usage: { promptTokens: 9, completionTokens: 4 } },
    ]);
    expect(text[0]?.messages).toEqual([{ role: "user", content: "Weather?" }]);
  });

  it("other endpoints that end alike are skipped: token counting, Assistants thread messages", () => {
    const body = { model: "claude-haiku-4-5", messages: [{ role: "user", content: "Hi?" }] };
    const turns = parseTranscript(
      transcriptOf(
        recordedExchange("/v1/messages/count_tokens", body, { input_tokens: 3 }),
        recordedExchange("/v1/threads/thread_1/messages", { role: "user", content: "Hi" }, {}),
        recordedExchange("/v1/messages", body, messageBody({ text: "Hello." })),
      ),
      "t.jsonl",
    );
    expect(turns.map((turn) => turn.answer)).toEqual(["Hello."]);
  });

  it("an answer that is no message (an error body, a cut stream) has no text and no usage", () => {
    const body = { model: "claude-haiku-4-5", messages: [{ role: "user", content: "Hi?" }] };
    const turns = parseTranscript(
      transcriptOf(
        recordedExchange("/v1/messages", body, {
          type: "error",
          error: { type: "overloaded_error", message: "Overloaded" },
        }),
        {
          ...recordedExchange("/v1/messages", body, {}),
          response: { status: 200, headers: {}, body: 'event: message_start\ndata: {"type":"mess' },
        },
      ),
      "t.jsonl",
    );
    expect(turns.map(({ answer, usage }) => ({ answer, usage }))).toEqual([
      { answer: "", usage: undefined },
      { answer: "", usage: undefined },
    ]);
  });
});

/** A well-formed exchange of chat completions, the first line of each malformed transcript. */
const chat = recordedExchange(
  "/v1/chat/completions",
  { model: "deepseek-chat", messages: [{ role: "user", content: "Hi?" }] },
  completionBody({ content: "Hello." }),
);

/** A well-formed Messages exchange, its fields broken one at a time. */
const exchange = recordedExchange(
  "/v1/messages",
  {
    model: "claude-haiku-4-5",
    max_tokens: 1024,
    system: "Answer briefly.",
    messages: [{ role: "user", content: "Hi?" }],
  },
  messageBody({ text: "Hello." }),
);

/** `exchange` with its messages replaced. */
const withMessages = (messages: unknown) =>
  withField(exchange, ["request", "body", "messages"], messages);

describe("replay: a malformed Messages line", () => {
  it.each([
    [
      "messages not a list",
      withMessages("Hi?"),
      "request.body.messages: expected an array, got a string",
    ],
    [
      "a system neither text nor blocks",
      withField(exchange, ["request", "body", "system"], 7),
      "request.body.system: expected a string or an array of parts, got 7",
    ],
    [
      "a null system block",
      withField(exchange, ["request", "body", "system"], [null]),
      "request.body.system[0]: expected a content part object, got null",
    ],
    [
      "a null message",
      withMessages([null]),
      "request.body.messages[0]: expected a message object, got null",
    ],
    [
      "a message without a role",
      withMessages([{ content: "Hi?" }]),
      "request.body.messages[0].role: expected a string, got nothing",
    ],
    [
      "content neither text nor blocks",
      withMessages([{ role: "user", content: 7 }]),
      "request.body.messages[0].content: expected a string or an array of content blocks, got 7",
    ],
    [
      "a block that is not an object",
      withMessages([{ role: "user", content: [null] }]),
      "request.body.messages[0].content[0]: expected a content block object, got null",
    ],
    [
      "a block without a type",
      withMessages([{ role: "user", content: [{ text: "Hi?" }] }]),
      "request.body.messages[0].content[0].type: expected a string, got nothing",
    ],
    [
      "a tool use without a name",
      withMessages([{ role: "assistant", content: [{ type: "tool_use", id: "t", input: {} }] }]),
      "request.body.messages[0].content[0].name: expected a string, got nothing",
    ],
    [
      "a tool use id not a string",
      withMessages([
        { role: "assistant", content: [{ type: "tool_use", id: 1, name: "f", input: {} }] },
      ]),
      "request.body.messages[0].content[0].id: expected a string, got 1",
    ],
    [
      "a tool result id not a string",
      withMessages([{ role: "user", content: [{ type: "tool_result", tool_use_id: ["t"] }] }]),
      "request.body.messages[0].content[0].tool_use_id: expected a string, got an array",
    ],
    [
      "a tool result neither text nor blocks",
      withMessages([
        { role: "user", content: [{ type: "tool_result", tool_use_id: "t", content: 7 }] },
      ]),
      "request.body.messages[0].content[0].content: expected a string or an array of parts, got 7",
    ],
    [
      "a model not a string",
      withField(exchange, ["request", "body", "model"], 4),
      "request.body.model: expected a string, got 4",
    ],
    [
      "a response body not text",
      withField(exchange, ["response", "body"], messageBody()),
      "response.body: expected a string, got an object",
    ],
  ])("%s: exit 2, naming the file, the line and the fault", async (_, line, fault) => {
    const file = join(dir, "bad.jsonl");
    writeFileSync(file, transcriptOf(chat, line));
    const run = await cli(["replay", file, "--offline"]);
    expect(run.stderr).toBe(`loom-llm: ${file}:2: ${fault}\n`);
    expect(run.code).toBe(2);
  });

  it("any line at all: a usage error naming the file, or a replay; never a crash", async () => {
    const file = join(dir, "random.jsonl");
    const json = fc.jsonValue();
    const block = fc.oneof(
      fc.record(
        {
          type: fc.oneof(
            fc.constantFrom("text", "tool_use", "tool_result", "thinking", "image"),
            json,
          ),
          text: json,
          id: json,
          name: json,
          input: json,
          tool_use_id: json,
          content: fc.oneof(fc.string(), fc.array(fc.oneof(fc.record({ text: json }), json)), json),
        },
        { requiredKeys: [] },
      ),
      json,
    );
    const message = fc.record(
      {
        role: fc.oneof(fc.constantFrom("user", "assistant"), json),
        content: fc.oneof(fc.string(), fc.array(block), json),
      },
      { requiredKeys: [] },
    );
    const event = fc.record(
      {
        type: fc.constantFrom("message_start", "content_block_delta", "message_delta", "ping"),
        message: fc.oneof(fc.record({ usage: json }), json),
        delta: fc.oneof(fc.record({ type: fc.constant("text_delta"), text: json }), json),
        usage: fc.oneof(fc.dictionary(fc.string(), json), json),
      },
      { requiredKeys: [] },
    );
    const body = fc.oneof(
      json.map((value) => JSON.stringify(value)),
      fc
        .array(fc.oneof(event, json))
        .map((events) => events.map((e) => `event: x\ndata: ${JSON.stringify(e)}\n\n`).join("")),
      fc.string(),
    );
    const field = fc.constantFrom<(string | number)[]>(
      ["request", "body"],
      ["request", "body", "system"],
      ["request", "body", "messages", 0],
      ["request", "body", "messages", 0, "content"],
      ["response", "body"],
    );
    const line = fc.oneof(
      fc.tuple(field, json).map(([path, value]) => withField(exchange, path, value)),
      fc.array(message).map(withMessages),
      body.map((text) => withField(exchange, ["response", "body"], text)),
    );
    await fc.assert(
      fc.asyncProperty(line, async (text) => {
        writeFileSync(file, transcriptOf(chat, text));
        const run = await cli(["replay", file, "--offline"]);
        expect(run.stderr).not.toMatch(/TypeError|Cannot read|is not a function|is not iterable/);
        expect(run.code).not.toBe(1);
        if (run.code === 2) expect(run.stderr).toMatch(new RegExp(`^loom-llm: ${file}:2: `));
      }),
      { numRuns: 150 },
    );
  }, 120_000);
});
