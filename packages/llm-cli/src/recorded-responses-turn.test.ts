// `loom-llm replay` reading recorded OpenAI Responses exchanges: each request as Loom's portable
// messages (instructions, input items, function calls joined to their assistant turn, their
// outputs as tool messages), each answer as its text and usage, whole or streamed; a malformed
// line is a usage error naming the file, the line and the field.
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { completionBody, responseBody, responseStream } from "@loom/llm-testing";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { cli } from "./cli.fixture.js";
import { recordedExchange, transcriptOf, withField } from "./recorded-exchange.fixture.js";
import { parseTranscript } from "./recorded-turns.js";

const dir = mkdtempSync(join(tmpdir(), "loom-responses-transcript-"));

const weather = { id: "call_1", name: "get_weather", arguments: { city: "Paris" } };

describe("replay reads OpenAI Responses exchanges", () => {
  it("called, through a tool loop: instructions, function calls and their outputs, usage", () => {
    const asked = recordedExchange(
      "/v1/responses",
      { model: "gpt-4.1-mini", instructions: "Answer briefly.", input: "Weather in Paris?" },
      responseBody({ toolCalls: [weather], usage: { input: 30, output: 8, cached: 10 } }),
    );
    const answered = recordedExchange(
      "/v1/responses",
      {
        model: "gpt-4.1-mini",
        instructions: "Answer briefly.",
        input: [
          { role: "user", content: "Weather in Paris?" },
          // Reasoning has no portable form: left out.
          { type: "reasoning", id: "rs_1", summary: [], encrypted_content: "ZW5j" },
          {
            type: "message",
            role: "assistant",
            content: [{ type: "output_text", text: "Let me look." }],
          },
          {
            type: "function_call",
            call_id: "call_1",
            name: "get_weather",
            arguments: '{"city":"Paris"}',
          },
          { type: "function_call", call_id: "call_2", name: "get_time", arguments: "{" },
          { type: "function_call_output", call_id: "call_1", output: "rain, 14°C" },
          {
            type: "function_call_output",
            call_id: "call_2",
            output: [{ type: "input_text", text: "9:00" }],
          },
          // A call with no assistant message before it is an assistant turn of its own.
          { type: "function_call", call_id: "call_3", name: "get_date", arguments: "{}" },
          { type: "function_call_output", call_id: "call_3", output: "Monday" },
          { role: "developer", content: [{ type: "input_text", text: "Be kind." }] },
          {
            type: "message",
            role: "user",
            content: [
              { type: "input_text", text: "And " },
              { type: "input_image", image_url: "https://example.com/sky.png", detail: "auto" },
              { type: "input_text", text: "tomorrow?" },
            ],
          },
        ],
      },
      responseBody({ reasoning: { summary: "Tomorrow is sunny." }, text: "Sun tomorrow." }),
    );
    expect(parseTranscript(transcriptOf(asked, answered), "t.jsonl")).toEqual([
      {
        messages: [
          { role: "system", content: "Answer briefly." },
          { role: "user", content: "Weather in Paris?" },
        ],
        model: "gpt-4.1-mini",
        answer: "",
        usage: { promptTokens: 30, completionTokens: 8, cachedPromptTokens: 10 },
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
                id: "call_1",
                name: "get_weather",
                arguments: { city: "Paris" },
                rawArguments: '{"city":"Paris"}',
              },
              // Arguments the model got wrong are replayed as they were sent.
              { id: "call_2", name: "get_time", arguments: undefined, rawArguments: "{" },
            ],
          },
          { role: "tool", toolCallId: "call_1", content: "rain, 14°C" },
          { role: "tool", toolCallId: "call_2", content: "9:00" },
          {
            role: "assistant",
            content: "",
            toolCalls: [{ id: "call_3", name: "get_date", arguments: {}, rawArguments: "{}" }],
          },
          { role: "tool", toolCallId: "call_3", content: "Monday" },
          { role: "system", content: "Be kind." },
          { role: "user", content: "And tomorrow?" },
        ],
        model: "gpt-4.1-mini",
        answer: "Sun tomorrow.",
        usage: { promptTokens: 10, completionTokens: 2 },
      },
    ]);
  });

  it("streamed: the output text deltas, usage from the final response; a failed stream keeps its text", () => {
    const ask = (input: string) => ({ model: "gpt-4.1-mini", stream: true, input });
    const turns = parseTranscript(
      transcriptOf(
        // Azure's api-version query follows the path.
        recordedExchange(
          "/openai/v1/responses?api-version=preview",
          ask("Weather?"),
          responseStream({
            reasoning: { summary: ["Rain ", "likely."] },
            text: ["Rain ", "today."],
            usage: { input: 12, output: 6, cached: 4, reasoning: 2 },
          }),
        ),
        recordedExchange(
          "/v1/responses",
          ask("Tool?"),
          responseStream({ toolCalls: [weather], usage: { input: 9, output: 4 } }),
        ),
        recordedExchange(
          "/v1/responses",
          ask("Long?"),
          responseStream({ text: ["Once ", "upon"], failure: { message: "overloaded" } }),
        ),
      ),
      "t.jsonl",
    );
    expect(turns.map(({ messages, answer, usage }) => ({ messages, answer, usage }))).toEqual([
      {
        messages: [{ role: "user", content: "Weather?" }],
        answer: "Rain today.",
        usage: { promptTokens: 12, completionTokens: 6, cachedPromptTokens: 4 },
      },
      {
        messages: [{ role: "user", content: "Tool?" }],
        answer: "",
        usage: { promptTokens: 9, completionTokens: 4 },
      },
      // A failed response reports no usage.
      { messages: [{ role: "user", content: "Long?" }], answer: "Once upon", usage: undefined },
    ]);
  });
});

/** A well-formed exchange of chat completions, the first line of each malformed transcript. */
const chat = recordedExchange(
  "/v1/chat/completions",
  { model: "deepseek-chat", messages: [{ role: "user", content: "Hi?" }] },
  completionBody({ content: "Hello." }),
);

/** A well-formed Responses exchange, its fields broken one at a time. */
const exchange = recordedExchange(
  "/v1/responses",
  { model: "gpt-4.1-mini", instructions: "Answer briefly.", input: "Hi?" },
  responseBody({ text: "Hello." }),
);

/** `exchange` with its input replaced. */
const withInput = (input: unknown) => withField(exchange, ["request", "body", "input"], input);

describe("replay: a malformed Responses line", () => {
  it.each([
    [
      "no input",
      withInput(undefined),
      "request.body.input: expected a string or an array of items, got nothing",
    ],
    [
      "instructions not a string",
      withField(exchange, ["request", "body", "instructions"], 7),
      "request.body.instructions: expected a string, got 7",
    ],
    [
      "a null item",
      withInput([null]),
      "request.body.input[0]: expected an input item object, got null",
    ],
    [
      "a type not a string",
      withInput([{ type: 5, role: "user", content: "Hi?" }]),
      "request.body.input[0].type: expected a string, got 5",
    ],
    [
      "a message without a role",
      withInput([{ type: "message", content: "Hi?" }]),
      "request.body.input[0].role: expected a string, got nothing",
    ],
    [
      "content neither text nor parts",
      withInput([{ role: "user", content: 7 }]),
      "request.body.input[0].content: expected a string or an array of parts, got 7",
    ],
    [
      "a part that is not an object",
      withInput([{ role: "user", content: [null] }]),
      "request.body.input[0].content[0]: expected a content part object, got null",
    ],
    [
      "a function call without a name",
      withInput([{ type: "function_call", call_id: "c", arguments: "{}" }]),
      "request.body.input[0].name: expected a string, got nothing",
    ],
    [
      "function call arguments not a string",
      withInput([{ type: "function_call", call_id: "c", name: "f", arguments: { a: 1 } }]),
      "request.body.input[0].arguments: expected a string, got an object",
    ],
    [
      "a call id not a string",
      withInput([{ type: "function_call", call_id: 3, name: "f" }]),
      "request.body.input[0].call_id: expected a string, got 3",
    ],
    [
      "a function output neither text nor parts",
      withInput([{ type: "function_call_output", call_id: "c", output: true }]),
      "request.body.input[0].output: expected a string or an array of parts, got true",
    ],
    [
      "a response body not text",
      withField(exchange, ["response", "body"], responseBody()),
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
    const item = fc.oneof(
      fc.record(
        {
          type: fc.oneof(
            fc.constantFrom("message", "function_call", "function_call_output", "reasoning"),
            json,
          ),
          role: fc.oneof(fc.constantFrom("user", "assistant", "system", "developer"), json),
          content: fc.oneof(fc.string(), fc.array(fc.oneof(fc.record({ text: json }), json)), json),
          call_id: json,
          name: json,
          arguments: fc.oneof(fc.string(), json),
          output: fc.oneof(fc.string(), json),
        },
        { requiredKeys: [] },
      ),
      json,
    );
    const event = fc.record(
      {
        type: fc.constantFrom("response.output_text.delta", "response.completed"),
        delta: json,
        response: fc.oneof(fc.record({ usage: json, output: json }), json),
      },
      { requiredKeys: [] },
    );
    const body = fc.oneof(
      json.map((value) => JSON.stringify(value)),
      fc.record({ output: json, usage: json }).map((value) => JSON.stringify(value)),
      fc
        .array(fc.oneof(event, json))
        .map((events) => events.map((e) => `event: x\ndata: ${JSON.stringify(e)}\n\n`).join("")),
      fc.string(),
    );
    const field = fc.constantFrom<(string | number)[]>(
      ["request", "body"],
      ["request", "body", "instructions"],
      ["request", "body", "input"],
      ["response", "body"],
    );
    const line = fc.oneof(
      fc.tuple(field, json).map(([path, value]) => withField(exchange, path, value)),
      fc.array(item).map(withInput),
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
