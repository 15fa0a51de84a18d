// End to end: a tool loop recorded in Anthropic's protocol (through the recording proxy of
// @loom/llm-testing, one answer whole and one streamed) is replayed against a provider that
// speaks OpenAI Responses. Only the portable conversation crosses over: the system becomes the
// instructions, the tool_use a function_call, the tool_result its output.
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { LLMProvider, type Message } from "@loom/llm";
import {
  createFakeServer,
  createRecordingProxy,
  type FakeServer,
  messageBody,
  messageStream,
  type RecordingProxy,
  responseBody,
} from "@loom/llm-testing";
import { afterEach, describe, expect, it } from "vitest";
import { cli } from "./cli.fixture.js";

const dir = mkdtempSync(join(tmpdir(), "loom-replay-protocols-"));
const started: (FakeServer | RecordingProxy)[] = [];

afterEach(async () => {
  await Promise.all(started.splice(0).map((server) => server.close()));
});

async function server(replies: Parameters<typeof createFakeServer>[0]): Promise<FakeServer> {
  const fake = await createFakeServer(replies);
  started.push(fake);
  return fake;
}

/** Records a tool loop with Claude through the proxy: the call, then the streamed answer. */
async function recordClaude(file: string): Promise<void> {
  const upstream = await server({
    replies: [
      {
        type: "json",
        body: messageBody({
          model: "claude-haiku-4-5",
          toolCalls: [{ id: "toolu_1", name: "get_weather", arguments: { city: "Paris" } }],
          usage: { input: 40, output: 12, cacheRead: 1000, cacheWrite: 200 },
        }),
      },
      messageStream({
        model: "claude-haiku-4-5",
        text: ["Rain in Paris, ", "then sun."],
        usage: { input: 60, output: 9, cacheRead: 1000 },
      }),
    ],
  });
  const proxy = await createRecordingProxy({ target: upstream.baseUrl, file });
  started.push(proxy);
  const claude = new LLMProvider(
    {},
    {
      baseUrl: proxy.baseUrl,
      model: "claude-haiku-4-5",
      protocol: "anthropic-messages",
      apiKey: "sk-ant-recorded-0123456789",
    },
    { telemetry: false },
  );
  const messages: Message[] = [
    { role: "system", content: "Answer briefly." },
    { role: "user", content: "Weather in Paris?" },
  ];
  const first = await claude.call({ messages });
  messages.push(first.message, { role: "tool", toolCallId: "toolu_1", content: "rain, 14°C" });
  await claude.stream({ messages }).response();
  await claude.close();
  // The proxy writes an exchange once the upstream's answer ended, which may be a moment after
  // the client has it: closing waits for every write.
  started.splice(started.indexOf(proxy), 1);
  await proxy.close();
}

describe("replay across protocols", () => {
  it("a tool loop recorded with Anthropic Messages, replayed against OpenAI Responses", async () => {
    const transcript = join(dir, "claude.jsonl");
    await recordClaude(transcript);
    const recorded = readFileSync(transcript, "utf8");
    expect(recorded).toContain('"path":"/v1/messages"');
    expect(recorded).toContain("event: message_start");
    expect(recorded).not.toContain("0123456789");

    const target = await server({
      replies: [
        {
          type: "json",
          body: responseBody({ text: "Rain is likely.", usage: { input: 30, output: 4 } }),
        },
        {
          type: "json",
          body: responseBody({
            text: "Rain in Paris, then sunshine.",
            usage: { input: 50, output: 6 },
          }),
        },
      ],
    });
    const config = join(dir, "loom.toml");
    writeFileSync(
      config,
      `[llm.box]\nbase_url = "${target.baseUrl}"\nmodel = "gpt-4o-mini"\nprotocol = "openai-responses"\ninput_per_mtok = 1\noutput_per_mtok = 2\n`,
    );
    const run = await cli(["replay", transcript, "--config", config, "--provider", "box"]);
    expect(run.code).toBe(0);
    // The recorded prompts hold their cache reads and writes: 40 + 1000 + 200, then 60 + 1000.
    expect(run.stdout).toBe(
      [
        "── turn 1 of 2 ── claude-haiku-4-5 → fake-model",
        "{+Rain is likely.+}",
        "tokens 1240+12 → 30+4, cost unknown → $0.000038",
        "",
        "── turn 2 of 2 ── claude-haiku-4-5 → fake-model",
        "Rain in Paris, then [-sun.-]{+sunshine.+}",
        "tokens 1060+9 → 50+6, cost unknown → $0.000062",
        "",
        "",
      ].join("\n"),
    );
    expect(run.stderr).toBe(
      "2 turns replayed: recorded an unknown amount on 2 answers, replayed $0.000100 on 2 answers\n",
    );
    expect(target.requests.map((request) => request.path)).toEqual([
      "/v1/responses",
      "/v1/responses",
    ]);
    expect(target.requests[0]?.body).toMatchObject({
      model: "gpt-4o-mini",
      instructions: "Answer briefly.",
      input: [{ role: "user", content: "Weather in Paris?" }],
    });
    // An array matches only with the same length: nothing else was sent.
    expect(target.requests[1]?.body).toMatchObject({
      instructions: "Answer briefly.",
      input: [
        { role: "user", content: "Weather in Paris?" },
        {
          type: "function_call",
          call_id: "toolu_1",
          name: "get_weather",
          arguments: '{"city":"Paris"}',
        },
        { type: "function_call_output", call_id: "toolu_1", output: "rain, 14°C" },
      ],
    });

    // --json: the recorded usage with its cache reads and writes apart.
    target.enqueue(
      { type: "json", body: responseBody({ text: "Rain.", usage: { input: 30, output: 1 } }) },
      { type: "json", body: responseBody({ text: "Sun.", usage: { input: 50, output: 1 } }) },
    );
    const json = await cli([
      "replay",
      transcript,
      "--config",
      config,
      "--provider",
      "box",
      "--json",
    ]);
    expect(json.code).toBe(0);
    const results = JSON.parse(json.stdout) as { recorded: unknown }[];
    expect(results.map((result) => result.recorded)).toEqual([
      {
        model: "claude-haiku-4-5",
        content: "",
        usage: {
          promptTokens: 1240,
          completionTokens: 12,
          cachedPromptTokens: 1000,
          cacheWriteTokens: 200,
        },
      },
      {
        model: "claude-haiku-4-5",
        content: "Rain in Paris, then sun.",
        usage: { promptTokens: 1060, completionTokens: 9, cachedPromptTokens: 1000 },
      },
    ]);
  });

  it("a transcript with no model request says which endpoints replay reads", async () => {
    const transcript = join(dir, "models.jsonl");
    writeFileSync(
      transcript,
      `${JSON.stringify({
        request: { method: "GET", path: "/v1/models", headers: {}, body: "" },
        response: { status: 200, headers: {}, body: '{"data":[]}' },
      })}\n`,
    );
    const run = await cli(["replay", transcript, "--offline"]);
    expect(run.stderr).toBe(
      `loom-llm: ${transcript}: no model requests recorded (chat completions, Anthropic Messages or OpenAI Responses)\n`,
    );
    expect(run.code).toBe(2);
  });
});
