// Fault-matrix rows for responses cut after they began: a request the server may already have
// acted on is never sent again, for calls and streams alike. Each row counts the POSTs.
import { completionBody, createFakeServer, type FakeServer, hostile } from "@loom/llm-testing";
import { ConnectionError, InvalidResponseError, TimeoutError } from "@loom/llm-types";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ChatClient } from "./chat-client.js";
import { failure, hello, texts } from "./test-support.fixture.js";

let server: FakeServer;
let llm: ChatClient;
beforeEach(async () => {
  server = await createFakeServer();
  // Three attempts allowed: any resend would show in the count.
  llm = new ChatClient({}, { baseUrl: server.baseUrl, model: "m", maxRetries: 2 });
});
afterEach(async () => {
  await llm.close();
  await server.close();
});

const ok = { type: "json" as const, body: completionBody({ content: "ok" }) };

describe("never resent once the response began", () => {
  it.each([
    ["call: RST after the headers", hostile.resetAfterHeaders({ stream: false, how: "rst" })],
    ["call: FIN after the headers", hostile.resetAfterHeaders({ stream: false, how: "fin" })],
    [
      "call: RST mid-body",
      hostile.resetAfterHeaders({ stream: false, how: "rst", after: "half-body" }),
    ],
    [
      "call: FIN mid-body",
      hostile.resetAfterHeaders({ stream: false, how: "fin", after: "half-body" }),
    ],
  ])("%s: one POST, a ConnectionError that says the response was cut", async (_name, reply) => {
    server.enqueue(reply, ok, ok);
    const error = await failure(() => llm.call(hello));
    expect(error).toBeInstanceOf(ConnectionError);
    expect(error.retryable).toBe(false);
    expect(error.message).toContain("after the response began; not resent");
    expect(server.requests).toHaveLength(1);
  });

  it.each([
    ["stream: RST after the headers", hostile.resetAfterHeaders({ how: "rst" })],
    ["stream: FIN after the headers", hostile.resetAfterHeaders({ how: "fin" })],
    [
      "stream: a role-only event, then RST",
      hostile.resetAfterHeaders({ how: "rst", after: "role" }),
    ],
    [
      "stream: a role-only event, then FIN",
      hostile.resetAfterHeaders({ how: "fin", after: "role" }),
    ],
  ])("%s: one POST, nothing delivered, not resent", async (_name, reply) => {
    server.enqueue(reply, ok, ok);
    const error = await failure(() => texts(llm));
    expect(error.retryable).toBe(false);
    // A FIN right after the headers may read as a stream that ended early: either way, typed.
    expect([ConnectionError.name, InvalidResponseError.name]).toContain(error.name);
    expect(server.requests).toHaveLength(1);
  });

  it("before any response byte, a reset is still retried (the server never answered)", async () => {
    server.enqueue({ type: "reset" }, ok);
    expect((await llm.call(hello)).content).toBe("ok");
    expect(server.requests).toHaveLength(2);
  });

  it("a body dripped a byte at a time is cut at timeoutMs from the attempt's start, not resent", async () => {
    const slow = new ChatClient({}, { baseUrl: server.baseUrl, model: "m", timeoutMs: 400 });
    server.enqueue(hostile.dripBody({ everyMs: 50 }), ok);
    const started = performance.now();
    const error = await failure(() => slow.call(hello));
    const elapsed = performance.now() - started;
    await slow.close();
    expect(error).toBeInstanceOf(TimeoutError);
    expect(error).toMatchObject({ phase: "body", timeoutMs: 400, retryable: false });
    expect(elapsed).toBeGreaterThanOrEqual(390);
    // The check runs on a 100 ms tick.
    expect(elapsed).toBeLessThan(1_500);
    expect(server.requests).toHaveLength(1);
  });
});

describe("never resent once the answer began, even while masking holds its text back", () => {
  it.each(["a", "s", "sk-", "Hello"])(
    "a keyed client, text %j then an error event in the same read: one POST",
    async (text) => {
      const keyed = new ChatClient(
        {},
        {
          baseUrl: server.baseUrl,
          model: "m",
          maxRetries: 2,
          apiKey: "sk-masked-0123456789abcdef",
        },
      );
      const chunk = (delta: object) =>
        `data: ${JSON.stringify({ id: "c", object: "chat.completion.chunk", choices: [{ index: 0, delta, finish_reason: null }] })}\n\n`;
      const failed = {
        type: "raw" as const,
        headers: { "content-type": "text/event-stream" },
        chunks: [
          `${chunk({ role: "assistant", content: "" })}${chunk({ content: text })}data: ${JSON.stringify({ error: { message: "overloaded", type: "server_error" } })}\n\n`,
        ],
      };
      server.enqueue(failed, ok, ok);
      try {
        const error = await failure(() => texts(keyed));
        expect(server.requests).toHaveLength(1);
        // Final, and said so: a retry of the caller's own would pay for the answer twice.
        expect(error.retryable).toBe(false);
      } finally {
        await keyed.close();
      }
    },
  );
});
