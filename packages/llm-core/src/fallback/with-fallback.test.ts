import {
  completionBody,
  completionChunk,
  createFakeServer,
  type FakeServer,
  hostile,
  textStream,
} from "@loom/llm-testing";
import { AuthenticationError, ConnectionError, type StreamEvent } from "@loom/llm-types";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { ChatClient } from "../chat-client.js";
import { withFallback } from "./with-fallback.js";

let primaryServer: FakeServer;
let localServer: FakeServer;
let primary: ChatClient;
let local: ChatClient;
const hello = { messages: [{ role: "user" as const, content: "hi" }] };

beforeAll(async () => {
  primaryServer = await createFakeServer();
  localServer = await createFakeServer();
  primary = new ChatClient(
    {},
    { baseUrl: primaryServer.baseUrl, model: "big", provider: "deepseek", maxRetries: 0 },
  );
  local = new ChatClient(
    {},
    { baseUrl: localServer.baseUrl, model: "small", provider: "local", maxRetries: 0 },
  );
});
afterAll(async () => {
  await Promise.all([primary.close(), local.close(), primaryServer.close(), localServer.close()]);
});
beforeEach(() => {
  primaryServer.reset();
  localServer.reset();
});

describe("withFallback", () => {
  it("answers from the first model when it works", async () => {
    primaryServer.enqueue({ type: "json", body: completionBody({ content: "from primary" }) });
    const res = await withFallback([primary, local]).call(hello);
    expect(res).toMatchObject({ content: "from primary", provider: "deepseek" });
    expect(localServer.requests).toHaveLength(0);
  });

  it("falls back on a retryable error and says who answered", async () => {
    const seen: string[] = [];
    primaryServer.enqueue({ type: "error", status: 503, body: "busy" });
    localServer.enqueue({ type: "json", body: completionBody({ content: "from local" }) });
    const res = await withFallback([primary, local], {
      onFallback: (error, index) => seen.push(`${index}:${(error as Error).name}`),
    }).call(hello);
    expect(res).toMatchObject({ content: "from local", provider: "local" });
    expect(seen).toEqual(["0:ServerError"]);
  });

  it("raises a non-retryable error at once", async () => {
    primaryServer.enqueue({ type: "error", status: 401, body: "bad key" });
    await expect(withFallback([primary, local]).call(hello)).rejects.toBeInstanceOf(
      AuthenticationError,
    );
    expect(localServer.requests).toHaveLength(0);
  });

  it("a response cut after it began does not fall back: the first server may have billed it", async () => {
    primaryServer.enqueue(
      hostile.resetAfterHeaders({ stream: false, how: "rst", after: "half-body" }),
    );
    localServer.enqueue({ type: "json", body: completionBody({ content: "local" }) });
    const error = await withFallback([primary, local])
      .call(hello)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConnectionError);
    expect(localServer.requests).toHaveLength(0);
  });

  it("a predicate can widen what falls back", async () => {
    primaryServer.enqueue({ type: "error", status: 401, body: "bad key" });
    localServer.enqueue({ type: "json", body: completionBody({ content: "local" }) });
    const res = await withFallback([primary, local], { shouldFallback: () => true }).call(hello);
    expect(res.provider).toBe("local");
  });

  it("the last model's error is the one raised", async () => {
    primaryServer.enqueue({ type: "error", status: 503, body: "busy" });
    localServer.enqueue({ type: "reset" }, { type: "reset" });
    await expect(withFallback([primary, local]).call(hello)).rejects.toBeInstanceOf(
      ConnectionError,
    );
  });

  it("a stream falls back before its first chunk", async () => {
    primaryServer.enqueue({ type: "error", status: 502, body: "<html>bad gateway</html>" });
    localServer.enqueue(textStream(["lo", "cal"]));
    const stream = withFallback([primary, local]).stream(hello);
    const pieces: string[] = [];
    for await (const piece of stream) pieces.push(piece);
    expect(pieces).toEqual(["lo", "cal"]);
    expect((await stream.response()).provider).toBe("local");
  });

  it("a stream that failed after its first chunk does not fall back", async () => {
    primaryServer.enqueue({
      type: "sse",
      events: [completionChunk({ content: "half" }), { delayMs: 20 }],
      done: false,
      end: "destroy",
    });
    const events: StreamEvent[] = [];
    const stream = withFallback([primary, local]).stream(hello);
    await expect(
      (async () => {
        for await (const event of stream.events()) events.push(event);
      })(),
    ).rejects.toBeInstanceOf(ConnectionError);
    expect(events).toEqual([{ type: "text", text: "half" }]);
    expect(localServer.requests).toHaveLength(0);
    await expect(stream.response()).rejects.toBeInstanceOf(ConnectionError);
  });

  it("response() alone drives a fallback stream", async () => {
    primaryServer.enqueue({ type: "error", status: 503, body: "" });
    localServer.enqueue(textStream(["ok"]));
    expect((await withFallback([primary, local]).stream(hello).response()).content).toBe("ok");
  });

  it("needs at least one model", () => {
    expect(() => withFallback([])).toThrow("at least one model");
  });
});

describe("withFallback and a call's deadline", () => {
  it("deadlineMs bounds the whole chain: the next model gets what is left of it", async () => {
    const silent = await createFakeServer({ fallback: { type: "hang" } });
    const stalled = new ChatClient({}, { baseUrl: silent.baseUrl, model: "m", maxRetries: 0 });
    try {
      for (const way of ["call", "stream"] as const) {
        silent.reset();
        localServer.reset();
        // The first model fails (retryable) after 600 ms of the 800 ms deadline.
        primaryServer.enqueue({ type: "error", status: 503, body: "busy", delayMs: 600 });
        const chain = withFallback([primary, stalled, local]);
        const request = { ...hello, deadlineMs: 800 };
        const error = await (way === "call"
          ? chain.call(request)
          : chain.stream(request).response()
        ).catch((e: unknown) => e);
        expect(error).toMatchObject({ name: "TimeoutError", phase: "deadline" });
        // The second model's deadline was what was left (about 200 ms), not 800 ms of its own.
        expect((error as { timeoutMs: number }).timeoutMs).toBeLessThan(800);
        expect(silent.requests).toHaveLength(1);
        expect(localServer.requests).toHaveLength(0);
      }
    } finally {
      await stalled.close();
      await silent.close();
    }
  });

  it("a deadline passed before the next model: a TimeoutError, and nothing sent to it", async () => {
    const slowFailure = {
      call: async (): Promise<never> => {
        await new Promise((resolve) => setTimeout(resolve, 120));
        throw new ConnectionError({ message: "down", retryable: true });
      },
      stream: () => {
        throw new Error("not used");
      },
    };
    const error = await withFallback([slowFailure, local])
      .call({ ...hello, deadlineMs: 100 })
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ name: "TimeoutError", phase: "deadline" });
    expect((error as Error).message).toContain("nothing was sent to it");
    expect(localServer.requests).toHaveLength(0);
  });

  it("a stream's deadline counts from stream(), not from when it is read, as a single model's does", async () => {
    const silent = await createFakeServer({ fallback: { type: "hang" } });
    const stalled = new ChatClient({}, { baseUrl: silent.baseUrl, model: "m", maxRetries: 0 });
    try {
      const stream = withFallback([stalled, local]).stream({ ...hello, deadlineMs: 600 });
      await new Promise((resolve) => setTimeout(resolve, 400));
      const error = await stream.response().catch((e: unknown) => e);
      // What was left when it was read (about 200 ms), not a fresh 600 ms.
      expect(error).toMatchObject({ name: "TimeoutError", phase: "deadline" });
      expect((error as { timeoutMs: number }).timeoutMs).toBeLessThanOrEqual(400);
    } finally {
      await stalled.close();
      await silent.close();
    }
  });
});

describe("a retry its deadline leaves no time for", () => {
  it("a 429 asking for longer than what is left fails at once with the 429, and the next model answers", async () => {
    const retrying = new ChatClient(
      {},
      { baseUrl: primaryServer.baseUrl, model: "big", provider: "deepseek", maxRetries: 2 },
      { hooks: [{ onRetry: () => void retries++ }] },
    );
    let retries = 0;
    try {
      primaryServer.enqueue({
        type: "error",
        status: 429,
        headers: { "retry-after": "30" },
        body: { error: { message: "slow down", type: "rate_limit_error" } },
      });
      const started = performance.now();
      const alone = await retrying
        .call({ ...hello, deadlineMs: 2_000 })
        .catch((error: unknown) => error as Error & { retryable: boolean; attempts: number });
      expect(alone).toMatchObject({ name: "RateLimitError", retryable: true, attempts: 1 });
      expect(performance.now() - started).toBeLessThan(1_500);
      expect(retries).toBe(0);
      primaryServer.enqueue({
        type: "error",
        status: 429,
        headers: { "retry-after": "30" },
        body: { error: { message: "slow down", type: "rate_limit_error" } },
      });
      localServer.enqueue({ type: "json", body: completionBody({ content: "from local" }) });
      const chained = withFallback([retrying, local]);
      expect((await chained.call({ ...hello, deadlineMs: 2_000 })).content).toBe("from local");
    } finally {
      await retrying.close();
    }
  });
});
