import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { completionChunk, createFakeServer } from "@loom/llm-testing";
import { AbortError, LLMError } from "@loom/llm-types";
import { describe, expect, it } from "vitest";
import { ChatClient } from "../chat-client.js";
import { until } from "../test-support.fixture.js";

setFlagsFromString("--expose-gc");
const gc = runInNewContext("gc") as () => void;

describe("abort storm", () => {
  it("1 000 concurrent streams aborted at random points: no unhandled rejection, no socket left, heap back near its start", async () => {
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);
    process.on("unhandledRejection", onUnhandled);
    // Twenty chunks 10 ms apart: every stream is aborted before it could finish.
    const chunks = Array.from({ length: 20 }, (_, i) => [
      { delayMs: 10 },
      completionChunk({ content: `${i} ` }),
    ]).flat();
    const server = await createFakeServer({ fallback: { type: "sse", events: chunks } });
    const llm = new ChatClient({}, { baseUrl: server.baseUrl, model: "m", maxRetries: 0 });
    let seed = 42;
    const random = () => {
      seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    try {
      gc();
      const heapBefore = process.memoryUsage().heapUsed;
      const outcomes = await Promise.all(
        Array.from({ length: 1_000 }, async (_, i) => {
          const controller = new AbortController();
          const stream = llm.stream({
            messages: [{ role: "user", content: `${i}` }],
            signal: controller.signal,
          });
          // Half are aborted by the caller's signal, half by stream.abort(), at a random chunk
          // (0 = before the first one arrives); every other one also has a pending response().
          const abortAt = Math.floor(random() * 10);
          const viaSignal = random() < 0.5;
          if (i % 2 === 0) void stream.response();
          const abort = () => (viaSignal ? controller.abort() : stream.abort());
          if (abortAt === 0) setTimeout(abort, Math.floor(random() * 20));
          let seen = 0;
          try {
            for await (const _ of stream) if (++seen === abortAt) abort();
            return "completed";
          } catch (error) {
            return AbortError.isInstance(error)
              ? "aborted"
              : LLMError.isInstance(error)
                ? error.name
                : String(error);
          }
        }),
      );
      expect(outcomes.filter((o) => o !== "aborted")).toEqual([]);
      await until(() => server.openConnections === 0);
      expect(server.openConnections).toBe(0);
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(unhandled).toEqual([]);
      gc();
      const grown = process.memoryUsage().heapUsed - heapBefore;
      expect(grown).toBeLessThan(16 * 1024 * 1024);
    } finally {
      process.off("unhandledRejection", onUnhandled);
      await llm.close();
      await server.close();
    }
  }, 60_000);
});
