// Against a real OpenAI-compatible server: the bundled llama.cpp `llama-server` (tiny model with
// random weights, so text is gibberish but the wire is real) when `../shared/peers/llama-server`
// sits beside the repository, and any server named by LOOM_INTEROP_BASE_URL. Each test starts
// and stops its own llama-server on a free loopback port.
import { execFile } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import {
  AuthenticationError,
  ContextLengthError,
  LLMProvider,
  type LLMResponse,
  type ToolDefinition,
} from "@loom/llm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ask, hasPeer, type Peer, startPeer, weather } from "./llama-peer.fixture.js";

const exec = promisify(execFile);
const KEY = "sk-interop-0123456789abcdef";

if (!hasPeer && process.env.LOOM_INTEROP_BASE_URL === undefined) {
  console.log(
    "real-server tests skipped: no ../shared/peers/llama-server beside the repository and no LOOM_INTEROP_BASE_URL (set it, and LOOM_INTEROP_API_KEY and LOOM_INTEROP_MODEL if needed, to run them against any OpenAI-compatible server)",
  );
}

// A real model on 2 shared cores: an answer can take seconds while other suites run.
describe.runIf(hasPeer)("llama.cpp llama-server", { timeout: 60_000 }, () => {
  let open: Peer;
  let keyed: Peer;
  let llm: LLMProvider;
  beforeAll(async () => {
    [open, keyed] = await Promise.all([startPeer("tools"), startPeer("plain", KEY)]);
    // The `local` preset, unchanged but for where the server is.
    llm = LLMProvider.fromName({ env: {} }, "local", {
      baseUrl: open.baseUrl,
      maxRetries: 0,
      telemetry: false,
    });
  }, 90_000);
  afterAll(async () => {
    await llm?.close();
    await Promise.all([open?.stop(), keyed?.stop()]);
  });

  it("call: content, finish reason, usage as the server reports them", async () => {
    const res = await llm.call(ask);
    expect(typeof res.content).toBe("string");
    expect(res.finishReason).toBe("length");
    expect(res.model).toBe("tiny");
    expect(res.usage).toMatchObject({ completionTokens: 8, reported: true });
    expect(res.usage.promptTokens).toBeGreaterThan(0);
  });

  it("stream: the pieces make the response's content; usage from the trailer chunk", async () => {
    const stream = llm.stream(ask);
    let text = "";
    for await (const piece of stream) text += piece;
    const res = await stream.response();
    expect(res.content).toBe(text);
    expect(res.finishReason).toBe("length");
    expect(res.usage).toMatchObject({ completionTokens: 8, reported: true });
  });

  it("n = 2, called and streamed: two answers, interleaved on the wire, assembled apart", async () => {
    const called = await llm.call({ ...ask, n: 2 });
    expect(called.choices?.map((c) => [c.index, c.finishReason])).toEqual([
      [0, "length"],
      [1, "length"],
    ]);
    const stream = llm.stream({ ...ask, n: 2 });
    let first = "";
    const second: string[] = [];
    for await (const event of stream.events()) {
      if (event.type !== "text") continue;
      if (event.choice === undefined) first += event.text;
      else if (event.choice === 1) second.push(event.text);
    }
    const streamed = await stream.response();
    expect(streamed.choices).toHaveLength(2);
    expect(streamed.content).toBe(first);
    expect(streamed.choices?.[0]?.content).toBe(first);
    expect(streamed.choices?.[1]?.content).toBe(second.join(""));
    expect(streamed.choices?.map((c) => c.finishReason)).toEqual(["length", "length"]);
  });

  it("a forced tool call, called and streamed: the same call, valid arguments, a 32-character id", async () => {
    const request = {
      messages: [{ role: "user" as const, content: "Weather in Paris?" }],
      tools: [weather],
      toolChoice: "required" as const,
      maxTokens: 64,
    };
    const called = await llm.call(request);
    const stream = llm.stream(request);
    const events: string[] = [];
    for await (const event of stream.events()) events.push(event.type);
    const streamed = await stream.response();
    for (const res of [called, streamed]) {
      expect(res.finishReason).toBe("tool_calls");
      expect(res.toolCalls).toHaveLength(1);
      expect(res.toolCalls[0]?.name).toBe("get_weather");
      expect(["Paris", "Rome"]).toContain((res.toolCalls[0]?.arguments as { city?: string })?.city);
      expect(res.toolCalls[0]?.id).toMatch(/^[A-Za-z0-9]{32}$/);
    }
    expect(events).toContain("tool-call-delta");
    expect(events).toContain("tool-call");
  });

  it("a tool result round trip: the server takes the assistant turn and the tool message back", async () => {
    const messages = [{ role: "user" as const, content: "Weather in Rome?" }];
    const first = await llm.call({
      messages,
      tools: [weather],
      toolChoice: "required",
      maxTokens: 64,
    });
    const call = first.toolCalls[0];
    expect(call).toBeDefined();
    const second: LLMResponse = await llm.call({
      messages: [
        ...messages,
        first.message,
        { role: "tool", toolCallId: call?.id ?? "", content: '{"sky":"clear"}' },
      ],
      tools: [weather],
      maxTokens: 64,
    });
    expect(second.finishReason).not.toBeNull();
  });

  it("a json_schema response format: the reply is parsed and validated", async () => {
    const res = await llm.call({
      messages: [{ role: "user" as const, content: "Which city?" }],
      responseFormat: {
        type: "json_schema",
        schema: {
          type: "object",
          properties: { city: { type: "string", enum: ["Paris"] } },
          required: ["city"],
        },
      },
      maxTokens: 32,
    });
    expect(res.parsed).toEqual({ city: "Paris" });
  });

  it("a tool call cut by maxTokens: a response, not an error; usage kept", async () => {
    const free: ToolDefinition = {
      name: "get_weather",
      parameters: { type: "object", properties: { city: { type: "string" } }, required: ["city"] },
    };
    const request = {
      messages: [{ role: "user" as const, content: "Weather?" }],
      tools: [free],
      toolChoice: "required" as const,
      maxTokens: 16,
    };
    for (const res of [await llm.call(request), await llm.stream(request).response()]) {
      expect(res.finishReason).toBe("length");
      expect(res.usage.completionTokens).toBe(16);
      for (const call of res.toolCalls) expect(call.error).toBeDefined();
    }
  });

  it("a prompt over the context size: ContextLengthError", async () => {
    const error = await llm
      .call({ messages: [{ role: "user", content: "word ".repeat(5_000) }], maxTokens: 4 })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ContextLengthError);
    expect((error as Error).message).toContain("exceeds the available context size");
  });

  it("a wrong key: AuthenticationError, the key masked; the right key answers", async () => {
    const wrong = new LLMProvider(
      {},
      { baseUrl: keyed.baseUrl, model: "tiny", apiKey: "sk-wrong-0123456789abcdef", maxRetries: 0 },
      { telemetry: false },
    );
    const right = new LLMProvider(
      {},
      { baseUrl: keyed.baseUrl, model: "tiny", apiKey: KEY, maxRetries: 0 },
      { telemetry: false },
    );
    const error = await wrong.call(ask).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AuthenticationError);
    expect((error as Error).message).toContain("Invalid API Key");
    expect(String(error)).not.toContain("0123456789abcdef");
    expect((await right.call(ask)).usage.reported).toBe(true);
    await Promise.all([wrong.close(), right.close()]);
  });

  it("loom-llm compare, chat and replay against it: side by side, one table, as JSON too", async () => {
    const cli = fileURLToPath(new URL("../../packages/llm-cli/dist/main.js", import.meta.url));
    const args = ["compare", "Say hi.", "--base-url", open.baseUrl, "--model", "tiny,tiny-b"];
    const { stdout } = await exec(process.execPath, [
      cli,
      ...args,
      "--max-tokens",
      "8",
      "--temperature",
      "0",
    ]);
    expect(stdout).toMatch(/── 127\.0\.0\.1:\d+ · tiny ──/);
    expect(stdout).toMatch(/· tiny\s+\d+ ms\s+\d+ ms\s+\d+\s+8\s+unknown\s+length\n/);
    expect(stdout).toMatch(/· tiny-b\s+\d+ ms\s+\d+ ms\s+\d+\s+8\s+unknown\s+length\n/);
    const json = await exec(process.execPath, [
      cli,
      ...args,
      "--temperature",
      "0",
      "--max-tokens",
      "4",
      "--runs",
      "2",
      "--json",
    ]);
    const result = JSON.parse(json.stdout) as { runs: { completionTokens: number }[] }[];
    expect(result.map((c) => c.runs.map((r) => r.completionTokens))).toEqual([
      [4, 4],
      [4, 4],
    ]);
    // chat and replay reach it the same way, no loom.toml.
    const chat = await exec(process.execPath, [
      cli,
      "chat",
      "Say hi.",
      "--base-url",
      open.baseUrl,
      "--temperature",
      "0",
      "--max-tokens",
      "4",
      "--json",
    ]);
    expect(JSON.parse(chat.stdout)).toMatchObject({
      finishReason: "length",
      usage: { completionTokens: 4 },
    });
    const transcript = join(mkdtempSync(join(tmpdir(), "loom-replay-")), "t.jsonl");
    writeFileSync(
      transcript,
      `${JSON.stringify({
        request: {
          method: "POST",
          path: "/v1/chat/completions",
          headers: {},
          body: { model: "m", messages: [{ role: "user", content: "Say hi." }] },
        },
        response: {
          status: 200,
          headers: {},
          body: JSON.stringify({
            choices: [{ message: { content: "Hi!" } }],
            usage: { prompt_tokens: 3, completion_tokens: 1 },
          }),
        },
      })}\n`,
    );
    const replay = await exec(process.execPath, [
      cli,
      "replay",
      transcript,
      "--base-url",
      open.baseUrl,
      "--temperature",
      "0",
      "--max-tokens",
      "4",
      "--json",
    ]);
    const turns = JSON.parse(replay.stdout) as {
      recorded: { content: string };
      replayed: { usage: { completionTokens: number } };
    }[];
    expect(turns).toHaveLength(1);
    expect(turns[0]?.recorded.content).toBe("Hi!");
    expect(turns[0]?.replayed.usage.completionTokens).toBe(4);
  }, 60_000);

  it("the llamacpp preset: its key from LLAMA_API_KEY, the variable llama-server itself reads", async () => {
    const preset = LLMProvider.fromName({ env: { LLAMA_API_KEY: KEY } }, "llamacpp", {
      baseUrl: keyed.baseUrl,
      maxRetries: 0,
    });
    const res = await preset.call(ask);
    expect(res.usage.reported).toBe(true);
    // One model loaded: the preset's model name "default" is answered by it.
    expect(res.model).toBe("tiny");
    await preset.close();
  });
});

describe.runIf(process.env.LOOM_INTEROP_BASE_URL !== undefined)("LOOM_INTEROP_BASE_URL", () => {
  const llm = new LLMProvider(
    {},
    {
      baseUrl: process.env.LOOM_INTEROP_BASE_URL ?? "http://127.0.0.1:1/v1",
      model: process.env.LOOM_INTEROP_MODEL ?? "default",
      ...(process.env.LOOM_INTEROP_API_KEY ? { apiKey: process.env.LOOM_INTEROP_API_KEY } : {}),
      allowInsecureHttp: true,
    },
    { telemetry: false },
  );
  afterAll(() => llm.close());

  it("call and stream answer, with usage", async () => {
    const called = await llm.call({ ...ask, maxTokens: 16 });
    expect(called.finishReason).not.toBeNull();
    const stream = llm.stream({ ...ask, maxTokens: 16 });
    let text = "";
    for await (const piece of stream) text += piece;
    expect((await stream.response()).content).toBe(text);
  });
});
