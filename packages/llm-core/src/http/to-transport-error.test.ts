// Transport failures (refused, reset, timed out) become typed errors that say what happened.
import { getEventListeners } from "node:events";
import { completionBody, createFakeServer } from "@loom/llm-testing";
import { AbortError, ConnectionError, TimeoutError } from "@loom/llm-types";
import { describe, expect, it } from "vitest";
import { ChatClient } from "../chat-client.js";
import { failure, hello, serverAndClient } from "../test-support.fixture.js";

const KEY = "sk-test-0123456789abcdefKEYKEY";
const { server, llm } = await serverAndClient({ apiKey: KEY, apiKeyEnv: "FAKE_API_KEY" });

describe("transport failures", () => {
  it("connection refused: ConnectionError with the code", async () => {
    const closed = await createFakeServer();
    const baseUrl = closed.baseUrl;
    await closed.close();
    const dead = new ChatClient({}, { baseUrl, model: "m", apiKey: KEY });
    const error = await failure(dead.call(hello));
    expect(error).toBeInstanceOf(ConnectionError);
    expect(error).toMatchObject({ code: "ECONNREFUSED", retryable: true });
    expect(error.message).toContain(`POST ${baseUrl}/chat/completions failed: connection refused`);
    expect(error.message).not.toContain(KEY);
    await dead.close();
  });

  it("a server that never answers: TimeoutError after timeoutMs", async () => {
    server.enqueue({ type: "hang" });
    const started = performance.now();
    const error = await failure(llm.call({ ...hello, timeoutMs: 300 }));
    const elapsed = performance.now() - started;
    expect(error).toBeInstanceOf(TimeoutError);
    expect(error).toMatchObject({ phase: "headers", timeoutMs: 300, retryable: true });
    expect(elapsed).toBeGreaterThanOrEqual(290);
  });

  it("a deadline bounds the whole call, and is final: no retry, no fallback", async () => {
    const retries: string[] = [];
    const patient = new ChatClient(
      { logger: { debug: (line) => retries.push(line) } },
      { baseUrl: server.baseUrl, model: "m", maxRetries: 3 },
    );
    server.enqueue({ type: "hang" });
    const error = await failure(patient.call({ ...hello, deadlineMs: 150 }));
    await patient.close();
    expect(error).toBeInstanceOf(TimeoutError);
    expect(error).toMatchObject({ phase: "deadline", timeoutMs: 150, retryable: false });
    expect(retries).toEqual([]);
    expect(server.requests).toHaveLength(1);
  });

  it("a signal aborted before the call: AbortError, nothing sent", async () => {
    const error = await failure(llm.call({ ...hello, signal: AbortSignal.abort() }));
    expect(error).toBeInstanceOf(AbortError);
    expect(error.retryable).toBe(false);
    expect(server.requests).toHaveLength(0);
  });

  it("aborting while waiting for the server: AbortError at once", async () => {
    server.enqueue({ type: "hang" });
    const controller = new AbortController();
    const pending = failure(llm.call({ ...hello, signal: controller.signal }));
    await new Promise((resolve) => setTimeout(resolve, 50));
    const started = performance.now();
    controller.abort();
    const error = await pending;
    expect(error).toBeInstanceOf(AbortError);
    expect(performance.now() - started).toBeLessThan(1_000);
  });

  it("a long-lived signal collects no listener per call", async () => {
    const controller = new AbortController();
    server.setFallback({ type: "json", body: completionBody() });
    for (let i = 0; i < 50; i++) await llm.call({ ...hello, signal: controller.signal });
    server.setFallback(undefined);
    expect(getEventListeners(controller.signal, "abort")).toHaveLength(0);
  });
});
