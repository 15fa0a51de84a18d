// Hostile servers and careless input at the client's edges: each case is refused or survived
// with a typed error, bounded memory and time, and nothing sent that should not be.
import { completionBody, completionChunk, createFakeServer, hostile } from "@loom/llm-testing";
import { ConfigError, InvalidResponseError } from "@loom/llm-types";
import { describe, expect, it } from "vitest";
import { runTools } from "./agent/run-tools.js";
import { ChatClient } from "./chat-client.js";
import { failure, hello, raw, serverAndClient, texts } from "./test-support.fixture.js";
import { MAX_BLOCKS } from "./wire/anthropic-messages/max-blocks.js";
import { MAX_TOOL_CALLS } from "./wire/openai-chat/max-tool-calls.js";

const { server, llm } = await serverAndClient();

describe("careless input is a ConfigError before anything is sent", () => {
  it("a key pasted with a trailing ellipsis", () => {
    let error: unknown;
    try {
      new ChatClient(
        {},
        { baseUrl: server.baseUrl, model: "m", apiKey: "sk-0123456789abcdef\u2026" },
      );
    } catch (e) {
      error = e;
    }
    expect(ConfigError.isInstance(error)).toBe(true);
    expect((error as ConfigError).issues[0]).toMatchObject({ path: "apiKey" });
    expect(String(error)).toContain("U+2026");
    expect(String(error)).not.toContain("0123456789abcdef");
  });

  it.each([
    ["timeoutMs: -1", { timeoutMs: -1 }, "request.timeoutMs"],
    ["timeoutMs: 0", { timeoutMs: 0 }, "request.timeoutMs"],
    ["deadlineMs past Node's timers", { deadlineMs: 2 ** 31 }, "request.deadlineMs"],
    ["temperature: 5", { temperature: 5 }, "request.temperature"],
    [
      "a header value with a non-breaking space",
      { headers: { "x-org": "a\u00a0b" } },
      "request.headers.x-org",
    ],
  ])("per call: %s", async (_name, options, path) => {
    const call = await failure(() => llm.call({ ...hello, ...options }));
    const stream = await failure(() => texts(llm, { ...hello, ...options }));
    for (const error of [call, stream]) {
      expect(error).toBeInstanceOf(ConfigError);
      expect((error as ConfigError).issues[0]?.path).toBe(path);
      expect(error.retryable).toBe(false);
    }
    expect(server.requests).toHaveLength(0);
  });

  it("a key pasted into a value the check quotes is masked in the ConfigError", async () => {
    const KEY = "sk-test-SECRET-0123456789";
    const keyed = new ChatClient({}, { baseUrl: server.baseUrl, model: "m", apiKey: KEY });
    const bad = [
      { role: "user", content: [`my key ${KEY}`] },
      {
        role: "user",
        content: [{ type: "image_url", imageUrl: "https://x", detail: `key ${KEY}` }],
      },
    ];
    for (const message of bad) {
      const request = { messages: [message] } as unknown as typeof hello;
      const call = await failure(() => keyed.call(request));
      const stream = await failure(() => texts(keyed, request));
      for (const error of [call, stream]) {
        expect(error).toBeInstanceOf(ConfigError);
        expect(error.message).toContain("sk-test-…6789");
        for (const text of [error.message, String(error), JSON.stringify(error), error.stack])
          expect(text).not.toContain(KEY);
      }
    }
    // A key sent per call in a credential header is masked too.
    const header = await failure(() =>
      keyed.call({
        ...hello,
        headers: { "x-api-key": "hdr-SECRET-0123456789" },
        temperature: "hdr-SECRET-0123456789 hot",
      } as unknown as typeof hello),
    );
    expect(String(header)).not.toContain("hdr-SECRET-0123456789");
    // Another call's header, and the first one's again: each masked (the client keeps the last
    // such redactor, by the headers' values).
    for (const value of ["hdr-OTHER-9876543210", "hdr-SECRET-0123456789"]) {
      const again = await failure(() =>
        keyed.call({
          ...hello,
          headers: { "x-api-key": value },
          temperature: `${value} hot`,
        } as unknown as typeof hello),
      );
      expect(String(again)).not.toContain(value);
    }
    await keyed.close();
    expect(server.requests).toHaveLength(0);
  });
});

describe("a gateway's credential header", () => {
  it("Helicone-Auth (a name with `auth` in it) is a credential: its value echoed back is masked", async () => {
    const secret = "hel-SECRET-abcdef123456";
    const gateway = new ChatClient(
      {},
      { baseUrl: server.baseUrl, model: "m", headers: { "Helicone-Auth": `Bearer ${secret}` } },
    );
    server.enqueue((request) => ({
      type: "json",
      body: completionBody({ content: `you sent ${String(request.headers["helicone-auth"])}` }),
    }));
    const response = await gateway.call(hello);
    expect(server.lastRequest?.headers["helicone-auth"]).toBe(`Bearer ${secret}`);
    expect(response.content).toMatch(/^you sent /);
    expect(JSON.stringify(response)).not.toContain(secret);
    await gateway.close();
  });
});

describe("hostile streams", () => {
  it("a leading byte order mark: the first event is kept", async () => {
    server.enqueue(hostile.bomStream(["Hello", " world"]));
    expect(await texts(llm)).toEqual(["Hello", " world"]);
  });

  it("blank data lines are ignored", async () => {
    const chunk = (content: string) => `data: ${JSON.stringify(completionChunk({ content }))}\n\n`;
    server.enqueue(raw(chunk("a"), "data:  \n\n", "data:\n\n", chunk("b"), "data: [DONE]\n\n"));
    expect(await texts(llm)).toEqual(["a", "b"]);
  });

  it("an endless stream of valid events stops at maxResponseBytes, however long it runs", async () => {
    const own = await createFakeServer();
    const bounded = new ChatClient(
      {},
      { baseUrl: own.baseUrl, model: "m", maxResponseBytes: 1 << 18, maxRetries: 0 },
    );
    // 256 KiB: about a second on a quiet machine, several on a loaded one; the server goes on
    // far longer than that.
    own.enqueue(hostile.endlessStream({ forMs: 60_000 }));
    let received = 0;
    const error = await failure(async () => {
      for await (const piece of bounded.stream(hello)) received += piece.length;
    });
    await bounded.close();
    await own.close();
    expect(error).toBeInstanceOf(InvalidResponseError);
    expect(error.message).toContain("grew past maxResponseBytes (262144)");
    expect(received).toBeLessThanOrEqual(1 << 18);
  }, 60_000);

  it("more tool calls than MAX_TOOL_CALLS in one response: InvalidResponseError, at once", async () => {
    const calls = Array.from({ length: 80_000 }, (_, index) => ({
      index,
      id: `c${index}`,
      type: "function",
      function: { name: "f", arguments: "{}" },
    }));
    server.enqueue(
      raw(`data: ${JSON.stringify(completionChunk({ tool_calls: calls }))}\n\ndata: [DONE]\n\n`),
    );
    const started = performance.now();
    const error = await failure(() => texts(llm));
    expect(performance.now() - started).toBeLessThan(2_000);
    expect(error).toBeInstanceOf(InvalidResponseError);
    expect(error.message).toContain(`more than ${MAX_TOOL_CALLS} tool calls`);
  });

  it("a whole answer past the bounds (chat's tool calls, Anthropic's blocks): refused, no tool run", async () => {
    let runs = 0;
    const tools = [{ name: "f", execute: () => String(++runs) }];
    const toolCalls = Array.from({ length: MAX_TOOL_CALLS + 1 }, () => ({
      name: "f",
      arguments: {},
    }));
    server.enqueue({ type: "json", body: completionBody({ toolCalls }) });
    const chat = await failure(() => runTools(llm, { ...hello, tools, maxIterations: 2 }));
    expect(chat).toBeInstanceOf(InvalidResponseError);
    expect((chat as Error).message).toContain(`more than ${MAX_TOOL_CALLS} tool calls`);
    const blocks = Array.from({ length: MAX_BLOCKS + 1 }, (_, i) => ({
      type: "tool_use",
      id: `tu_${i}`,
      name: "f",
      input: {},
    }));
    server.enqueue({
      type: "json",
      body: {
        id: "msg_1",
        type: "message",
        role: "assistant",
        model: "m",
        stop_reason: "tool_use",
        content: blocks,
        usage: { input_tokens: 1, output_tokens: 1 },
      },
    });
    const anthropic = new ChatClient(
      {},
      { baseUrl: server.baseUrl, model: "m", protocol: "anthropic-messages", maxRetries: 0 },
    );
    try {
      const error = await failure(() => runTools(anthropic, { ...hello, tools, maxIterations: 2 }));
      expect(error).toBeInstanceOf(InvalidResponseError);
      expect((error as Error).message).toContain(`more than ${MAX_BLOCKS} content blocks`);
    } finally {
      await anthropic.close();
    }
    expect(runs).toBe(0);
  });
});
