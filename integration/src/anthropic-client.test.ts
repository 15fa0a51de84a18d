// The official `@anthropic-ai/sdk` client as the judge of the Anthropic Messages builders: every
// body, stream and error they make must read through it the way the real API's do (its plain
// `messages.create`, its `messages.stream()` helper, and its typed errors).
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Anthropic from "@anthropic-ai/sdk";
import {
  anthropicError,
  anthropicErrorEvent,
  createFakeServer,
  createRecordingProxy,
  ECHO_ENCODINGS,
  type FakeServer,
  hostile,
  MESSAGES_ECHO_PLACES,
  type MessageStreamOptions,
  messageBody,
  messageStream,
  readTranscript,
  transcriptReplies,
  undisguiseEcho,
} from "@loom/llm-testing";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";

const KEY = "sk-ant-conformance-0123456789";
let server: FakeServer;
let client: Anthropic;
beforeAll(async () => {
  server = await createFakeServer();
  // The SDK appends `/v1/messages` itself: its base URL is the server's root, without `/v1`.
  client = new Anthropic({ baseURL: server.url, apiKey: KEY, maxRetries: 0 });
});
afterAll(() => server.close());
beforeEach(() => server.reset());

const ask = {
  model: "claude-test",
  max_tokens: 256,
  messages: [{ role: "user" as const, content: "hi" }],
};
const tools = [
  {
    name: "get_weather",
    input_schema: { type: "object" as const, properties: { city: { type: "string" } } },
  },
];

// One script with every kind of block: thinking (two, in pieces), redacted thinking, text in
// pieces, and two tool calls whose arguments stream in fragments.
const everything: MessageStreamOptions = {
  thinking: [
    {
      text: ["Let me ", "think."],
      signature: "EqQBCgIYAhIM1gbcDa9GJwZA2b3hGgxBdjrkzLoky3dl1pkiMOYds",
    },
    { text: "Again.", signature: "sig-two" },
  ],
  redactedThinking: ["EmwKAhgBEgy3va3pzix/LafPsn4aDFIT2Xlxh0L5L8rLVyIwxtE3rAFBa8cr3qpP"],
  text: ["Checking ", "the weather ", "in Rome."],
  toolCalls: [
    { id: "toolu_01A", name: "get_weather", arguments: { city: "Rome" } },
    { id: "toolu_01B", name: "get_weather", arguments: { city: "Città di Castello ☀" } },
  ],
  usage: { input: 12, output: 40, cacheRead: 100, cacheWrite: 7 },
  id: "msg_01XYZ",
  model: "claude-sonnet-test",
  argumentPieceSize: 3,
};

/** The message as the wire had it: plain JSON, without the SDK's own `parsed_output`. */
function wire(message: object): unknown {
  const { parsed_output: _, ...rest } = JSON.parse(JSON.stringify(message)) as Record<
    string,
    unknown
  >;
  return rest;
}

describe("the official Anthropic client against the Messages builders", () => {
  it("messages.create reads a body: the request goes to /v1/messages with the key", async () => {
    server.enqueue({ type: "json", body: messageBody({ text: "Hello there" }) });
    const message = await client.messages.create(ask);
    expect(server.lastRequest?.path).toBe("/v1/messages");
    // SDK 1.x sends the key as a bearer token (0.x sent `x-api-key`).
    expect(server.lastRequest?.headers.authorization).toBe(`Bearer ${KEY}`);
    expect(message.type).toBe("message");
    expect(message.role).toBe("assistant");
    expect(message.content).toEqual([{ type: "text", text: "Hello there" }]);
    expect(message.stop_reason).toBe("end_turn");
    expect(message.stop_sequence).toBeNull();
    expect(message.usage.input_tokens).toBe(10);
    expect(message.usage.cache_read_input_tokens).toBe(0);
  });

  it("messages.create reads every block kind, the usage and the ids of a body", async () => {
    server.enqueue({ type: "json", body: messageBody(everything) });
    const message = await client.messages.create({ ...ask, tools });
    expect(message.id).toBe("msg_01XYZ");
    expect(message.model).toBe("claude-sonnet-test");
    expect(message.content.map((block) => block.type)).toEqual([
      "thinking",
      "thinking",
      "redacted_thinking",
      "text",
      "tool_use",
      "tool_use",
    ]);
    const [first, , redacted, text, call, second] = message.content;
    expect(first?.type === "thinking" && [first.thinking, first.signature]).toEqual([
      "Let me think.",
      "EqQBCgIYAhIM1gbcDa9GJwZA2b3hGgxBdjrkzLoky3dl1pkiMOYds",
    ]);
    expect(redacted?.type === "redacted_thinking" && redacted.data).toMatch(/^EmwK/);
    expect(text?.type === "text" && text.text).toBe("Checking the weather in Rome.");
    expect(call?.type === "tool_use" && [call.id, call.name, call.input]).toEqual([
      "toolu_01A",
      "get_weather",
      { city: "Rome" },
    ]);
    expect(second?.type === "tool_use" && second.input).toEqual({ city: "Città di Castello ☀" });
    expect(message.stop_reason).toBe("tool_use");
    expect(message.usage).toMatchObject({
      input_tokens: 12,
      output_tokens: 40,
      cache_read_input_tokens: 100,
      cache_creation_input_tokens: 7,
      cache_creation: { ephemeral_5m_input_tokens: 7, ephemeral_1h_input_tokens: 0 },
    });
  });

  it("stream: true yields the named events in order; the SDK drops the ping", async () => {
    server.enqueue(messageStream({ text: ["Hel", "lo"] }));
    const types: string[] = [];
    let text = "";
    for await (const event of await client.messages.create({ ...ask, stream: true })) {
      types.push(event.type);
      if (event.type === "content_block_delta" && event.delta.type === "text_delta")
        text += event.delta.text;
    }
    expect(text).toBe("Hello");
    expect(types).toEqual([
      "message_start",
      "content_block_start",
      "content_block_delta",
      "content_block_delta",
      "content_block_stop",
      "message_delta",
      "message_stop",
    ]);
    // The bytes carry the names and no `[DONE]`, as Anthropic's do.
    server.enqueue(messageStream({ text: ["x"] }));
    const bytes = await (
      await fetch(`${server.url}/v1/messages`, { method: "POST", body: "{}" })
    ).text();
    expect(bytes).toMatch(/^event: message_start\ndata: \{"type":"message_start"/);
    expect(bytes).toContain('event: ping\ndata: {"type":"ping"}\n\n');
    expect(bytes.endsWith('event: message_stop\ndata: {"type":"message_stop"}\n\n')).toBe(true);
    expect(bytes).not.toContain("[DONE]");
  });

  it("messages.stream().finalMessage() assembles exactly the body of the same script", async () => {
    server.enqueue(messageStream(everything));
    const stream = client.messages.stream({ ...ask, tools });
    const thinking: string[] = [];
    const signatures: string[] = [];
    const json: string[] = [];
    stream.on("thinking", (delta) => thinking.push(delta));
    stream.on("signature", (signature) => signatures.push(signature));
    stream.on("inputJson", (partial) => json.push(partial));
    const final = await stream.finalMessage();
    expect(thinking).toEqual(["Let me ", "think.", "Again."]);
    expect(signatures).toEqual([
      "EqQBCgIYAhIM1gbcDa9GJwZA2b3hGgxBdjrkzLoky3dl1pkiMOYds",
      "sig-two",
    ]);
    // Arguments in 3-character fragments after the empty first one the API sends.
    expect(json.length).toBeGreaterThan(8);
    expect(wire(final)).toEqual(messageBody(everything));
  });

  it("finalText() and the stop reasons: max_tokens, stop_sequence, refusal without content", async () => {
    server.enqueue(
      messageStream({ text: ["cut ", "sh"], stopReason: "max_tokens" }),
      messageStream({ text: "one two", stopReason: "stop_sequence", stopSequence: "three" }),
      messageStream({ text: null, stopReason: "refusal" }),
    );
    const cut = client.messages.stream(ask);
    expect(await cut.finalText()).toBe("cut sh");
    expect((await cut.finalMessage()).stop_reason).toBe("max_tokens");
    const stopped = await client.messages.stream(ask).finalMessage();
    expect([stopped.stop_reason, stopped.stop_sequence]).toEqual(["stop_sequence", "three"]);
    const refused = await client.messages.stream(ask).finalMessage();
    expect([refused.stop_reason, refused.content]).toEqual(["refusal", []]);
  });

  it("usage in message_delta: cumulative (the API now) or output only (older, llama.cpp)", async () => {
    const usage = { input: 5, output: 9, cacheRead: 3 };
    server.enqueue(
      messageStream({ text: "a", usage }),
      messageStream({ text: "a", usage, deltaUsage: "output" }),
    );
    for (let i = 0; i < 2; i++) {
      const final = await client.messages.stream(ask).finalMessage();
      expect(final.usage).toMatchObject({
        input_tokens: 5,
        output_tokens: 9,
        cache_read_input_tokens: 3,
      });
    }
  });

  it.each([
    [400, "invalid_request_error", Anthropic.BadRequestError],
    [401, "authentication_error", Anthropic.AuthenticationError],
    [402, "billing_error", Anthropic.PaymentRequiredError],
    [403, "permission_error", Anthropic.PermissionDeniedError],
    [404, "not_found_error", Anthropic.NotFoundError],
    [413, "request_too_large", Anthropic.ContentTooLargeError],
    [429, "rate_limit_error", Anthropic.RateLimitError],
    [500, "api_error", Anthropic.InternalServerError],
    [504, "timeout_error", Anthropic.GatewayTimeoutError],
    [529, "overloaded_error", Anthropic.OverloadedError],
  ] as const)("%i %s is the SDK's own APIError subclass", async (status, type, Class) => {
    server.enqueue(anthropicError(status, type, `nope ${status}`, { requestId: "req_011CX" }));
    const error = await client.messages.create(ask).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Class);
    expect(error).toBeInstanceOf(Anthropic.APIError);
    const apiError = error as InstanceType<typeof Anthropic.APIError>;
    expect(apiError.status).toBe(status);
    expect(apiError.type).toBe(type);
    expect(apiError.apiMessage).toBe(`nope ${status}`);
    expect(apiError.requestID).toBe("req_011CX");
    expect(apiError.error).toEqual({
      type: "error",
      error: { type, message: `nope ${status}` },
      request_id: "req_011CX",
    });
  });

  it("a 429 carries retry-after and the anthropic-ratelimit-* headers", async () => {
    server.enqueue(anthropicError(429, "rate_limit_error", "slow down", { retryAfterSeconds: 7 }));
    const error = (await client.messages.create(ask).catch((e: unknown) => e)) as InstanceType<
      typeof Anthropic.RateLimitError
    >;
    expect(error).toBeInstanceOf(Anthropic.RateLimitError);
    expect(error.headers.get("retry-after")).toBe("7");
    expect(error.headers.get("anthropic-ratelimit-requests-remaining")).toBe("0");
    const reset = Date.parse(error.headers.get("anthropic-ratelimit-requests-reset") ?? "");
    expect(reset).toBeGreaterThan(Date.now());
    expect(reset).toBeLessThan(Date.now() + 8_000);
    for (const name of ["tokens", "input-tokens", "output-tokens"])
      expect(error.headers.get(`anthropic-ratelimit-${name}-limit`)).toMatch(/^\d+$/);
  });

  it("an in-stream error: the raw stream and the helper both raise the SDK's APIError", async () => {
    const broken = messageStream({
      text: ["partial ", "answer"],
      error: { type: "overloaded_error", message: "Overloaded" },
    });
    server.enqueue(broken, broken);
    const seen: string[] = [];
    const raw = await (async () => {
      for await (const event of await client.messages.create({ ...ask, stream: true }))
        seen.push(event.type);
    })().catch((e: unknown) => e);
    expect(raw).toBeInstanceOf(Anthropic.APIError);
    expect((raw as InstanceType<typeof Anthropic.APIError>).type).toBe("overloaded_error");
    expect((raw as Error).message).toContain("Overloaded");
    // The content came before the error; the last block was left open, nothing closed the message.
    expect(seen).toEqual([
      "message_start",
      "content_block_start",
      "content_block_delta",
      "content_block_delta",
    ]);
    const helper = await client.messages
      .stream(ask)
      .finalMessage()
      .catch((e: unknown) => e);
    expect(helper).toBeInstanceOf(Anthropic.APIError);
    expect((helper as InstanceType<typeof Anthropic.APIError>).type).toBe("overloaded_error");
  });

  it("anthropicErrorEvent can be put anywhere in a stream", async () => {
    const stream = messageStream({ text: "a" });
    stream.events.splice(1, 0, anthropicErrorEvent("api_error", "Internal server error"));
    server.enqueue(stream);
    const error = await client.messages
      .stream(ask)
      .finalMessage()
      .catch((e: unknown) => e);
    expect((error as InstanceType<typeof Anthropic.APIError>).type).toBe("api_error");
  });

  it("records through the proxy and replays byte for byte: the SDK reads the same, the key is gone", async () => {
    const api = await createFakeServer({
      replies: [
        { type: "json", body: messageBody(everything) },
        messageStream(everything),
        anthropicError(401, "authentication_error", `invalid x-api-key: ${KEY}`),
      ],
    });
    const file = join(mkdtempSync(join(tmpdir(), "loom-anthropic-")), "messages.jsonl");
    const proxy = await createRecordingProxy({ target: api.url, file });
    const live = new Anthropic({ baseURL: proxy.baseUrl, apiKey: KEY, maxRetries: 0 });
    const run = async (sdk: Anthropic) => [
      await sdk.messages.create({ ...ask, tools }),
      wire(await sdk.messages.stream({ ...ask, tools }).finalMessage()),
      await sdk.messages.create(ask).catch((e: unknown) => e),
    ];
    const recorded = await run(live);
    await proxy.close();
    await api.close();

    expect(readFileSync(file, "utf8")).not.toContain(KEY);
    const transcript = await readTranscript(file);
    expect(transcript.map((entry) => entry.request.path)).toEqual([
      "/v1/messages",
      "/v1/messages",
      "/v1/messages",
    ]);
    expect(transcript[0]?.request.headers.authorization).toBeUndefined();
    expect(transcript[1]?.response.headers["content-type"]).toBe("text/event-stream");
    expect(transcript[1]?.response.body).toMatch(/^event: message_start\n/);
    expect(transcript[1]?.response.body).not.toContain("[DONE]");

    const replay = await createFakeServer({ replies: transcriptReplies(transcript) });
    const offline = new Anthropic({ baseURL: replay.url, apiKey: "unused", maxRetries: 0 });
    const replayed = await run(offline);
    await replay.close();
    expect(replayed[0]).toEqual(recorded[0]);
    expect(replayed[1]).toEqual(recorded[1]);
    expect(replayed[1]).toEqual(messageBody(everything));
    expect(replayed[2]).toBeInstanceOf(Anthropic.AuthenticationError);
    // Masked as the client masks a key: its start, an ellipsis, its last four characters.
    expect((replayed[2] as Error).message).toMatch(/invalid x-api-key: \S*…\S{4}/);
    expect((replayed[2] as Error).message).not.toContain(KEY);
    expect((recorded[2] as Error).message).toContain(`invalid x-api-key: ${KEY}`);
  });
});

describe("hostile.messagesEcho read by the official client: the key where it says", () => {
  /** Where each place puts the echo in the message the SDK hands back. */
  const field = (message: Anthropic.Message, place: string): unknown => {
    const block = (type: string) => message.content.find((b) => b.type === type);
    const thinking = block("thinking");
    const redacted = block("redacted_thinking");
    const text = block("text");
    const call = block("tool_use");
    switch (place) {
      case "text":
        return text?.type === "text" && text.text;
      case "thinking":
        return thinking?.type === "thinking" && thinking.thinking;
      case "signature":
        return thinking?.type === "thinking" && thinking.signature;
      case "redacted-thinking":
        return redacted?.type === "redacted_thinking" && redacted.data;
      case "tool-arguments":
        return call?.type === "tool_use" && (call.input as { q: string }).q;
      case "tool-id":
        return call?.type === "tool_use" && call.id;
      case "tool-name":
        return call?.type === "tool_use" && call.name;
      case "id":
        return message.id;
      case "model":
        return message.model;
      case "stop-reason":
        return message.stop_reason;
    }
    return undefined;
  };
  const cases = MESSAGES_ECHO_PLACES.flatMap((place) =>
    ECHO_ENCODINGS.flatMap((encoding) =>
      (["create", "stream"] as const).map((how) => [place, encoding, how] as const),
    ),
  );

  it.each(cases)("%s, %s, %s", async (place, encoding, how) => {
    server.enqueue(hostile.messagesEcho(place, encoding));
    // `stream-error` is a stream whatever was asked: read it as one.
    const streamed = how === "stream" || place === "stream-error";
    const got = await (streamed
      ? client.messages.stream(ask).finalMessage()
      : client.messages.create(ask)
    ).catch((e: unknown) => e);
    let echo: unknown;
    if (place === "error" || place === "stream-error") {
      expect(got).toBeInstanceOf(Anthropic.APIError);
      echo = (got as InstanceType<typeof Anthropic.APIError>).apiMessage;
    } else {
      echo = field(got as Anthropic.Message, place);
    }
    expect(typeof echo).toBe("string");
    expect(undisguiseEcho(echo as string, encoding)).toContain(`authorization: Bearer ${KEY}`);
  });
});
