import { inspect } from "node:util";
import { completionBody, createFakeServer } from "@loom/llm-testing";
import { ConfigError, ConnectionError } from "@loom/llm-types";
import { describe, expect, it } from "vitest";
import { ChatClient } from "./chat-client.js";
import { failure, hello, serverAndClient, until } from "./test-support.fixture.js";

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
