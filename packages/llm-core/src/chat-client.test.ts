import { inspect } from "node:util";
import { completionBody, createFakeServer } from "@loom/llm-testing";
import { ConfigError, ConnectionError } from "@loom/llm-types";
import { describe, expect, it } from "vitest";
import { ChatClient } from "./chat-client.js";
import { failure, hello, serverAndClient, texts, until } from "./test-support.fixture.js";

const KEY = "sk-test-0123456789abcdefKEYKEY";
const { llm } = await serverAndClient({ apiKey: KEY, apiKeyEnv: "FAKE_API_KEY" });

describe("connections", () => {
  // A server of their own: the shared one has other providers' sockets open.
  it("100 sequential calls open exactly one connection", async () => {
    const own = await createFakeServer({ fallback: { type: "json", body: completionBody() } });
    const pooled = new ChatClient({}, { baseUrl: own.baseUrl, model: "m" });
    for (let i = 0; i < 100; i++) await pooled.call(hello);
    expect(own.requests).toHaveLength(100);
    expect(own.connectionCount).toBe(1);
    await pooled.close();
    await own.close();
  });

  it("close() releases the pool; a later call fails with ConnectionError", async () => {
    const own = await createFakeServer({ fallback: { type: "json", body: completionBody() } });
    const closing = new ChatClient({}, { baseUrl: own.baseUrl, model: "m" });
    await closing.call(hello);
    expect(own.openConnections).toBe(1);
    await closing.close();
    await until(() => own.openConnections === 0);
    expect(own.openConnections).toBe(0);
    expect(await failure(closing.call(hello))).toBeInstanceOf(ConnectionError);
    await own.close();
  });
});

describe("the key never shows", () => {
  it.each([
    ["String", () => String(llm)],
    ["JSON.stringify", () => JSON.stringify(llm)],
    ["util.inspect", () => inspect(llm, { depth: 10, showHidden: true })],
    ["config via inspect", () => inspect(llm.config)],
    ["config via JSON", () => JSON.stringify(llm.config)],
  ])("%s", (_name, print) => {
    const text = print();
    expect(text).not.toContain(KEY);
    // Not even the middle of it.
    expect(text).not.toContain("0123456789abcdef");
  });

  it("shows it redacted", () => {
    expect(JSON.stringify(llm)).toContain("sk-test-…YKEY");
    expect(inspect(llm)).toContain("sk-test-…YKEY");
  });

  it("rejects a bad config at construction", () => {
    expect(
      () =>
        new ChatClient({}, { baseUrl: "http://remote.example.com/v1", model: "m", apiKey: KEY }),
    ).toThrow(ConfigError);
  });
});

describe("close()", () => {
  const closedMessage = "provider was closed";

  it("fails a call and a stream in flight at once, not retried; later calls fail at once", async () => {
    const own = await createFakeServer({ fallback: { type: "hang" } });
    const client = new ChatClient({}, { baseUrl: own.baseUrl, model: "m", maxRetries: 3 });
    const call = failure(client.call(hello));
    const stream = failure(texts(client));
    await until(() => own.requests.length === 2);
    const started = performance.now();
    await client.close();
    const [callError, streamError] = await Promise.all([call, stream]);
    expect(performance.now() - started).toBeLessThan(500);
    for (const error of [callError, streamError]) {
      expect(error).toBeInstanceOf(ConnectionError);
      expect(error).toMatchObject({ code: "LOOM_CLIENT_CLOSED", retryable: false, attempts: 1 });
      expect(error.message).toContain(closedMessage);
    }
    const later = await failure(client.call(hello));
    expect(later.message).toContain(closedMessage);
    expect(later.attempts).toBe(1);
    expect(own.requests).toHaveLength(2);
    await own.close();
  });

  it("ends a wait between retries at once", async () => {
    const own = await createFakeServer({
      fallback: { type: "error", status: 503, body: "", headers: { "retry-after": "30" } },
    });
    const client = new ChatClient(
      {},
      { baseUrl: own.baseUrl, model: "m", maxRetries: 3, maxRetryDelayMs: 60_000 },
    );
    const call = failure(client.call(hello));
    await until(() => own.requests.length === 1);
    await client.close();
    const error = await call;
    expect(error.message).toContain(closedMessage);
    expect(own.requests).toHaveLength(1);
    await own.close();
  });

  it("fails waiters queued under maxConcurrency", async () => {
    const own = await createFakeServer({ fallback: { type: "hang" } });
    const client = new ChatClient({}, { baseUrl: own.baseUrl, model: "m", maxConcurrency: 1 });
    const first = failure(client.call(hello));
    const queued = failure(client.call(hello));
    await until(() => own.requests.length === 1);
    await client.close();
    expect((await queued).message).toContain(closedMessage);
    expect((await first).message).toContain(closedMessage);
    expect(own.requests).toHaveLength(1);
    await own.close();
  });

  it("with drain: true, lets requests in flight finish, then refuses new ones", async () => {
    const own = await createFakeServer({
      fallback: { type: "json", body: completionBody({ content: "done" }), delayMs: 150 },
    });
    const client = new ChatClient({}, { baseUrl: own.baseUrl, model: "m" });
    const call = client.call(hello);
    await until(() => own.requests.length === 1);
    await client.close({ drain: true });
    expect((await call).content).toBe("done");
    expect((await failure(client.call(hello))).message).toContain(closedMessage);
    await own.close();
  });
});
