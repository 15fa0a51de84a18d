// undici's transport where its own timeouts fall short: a request queued behind the pool's busy
// connections (`maxConnections`) has no headers timeout of undici's running yet.
import { completionBody, createFakeServer, type FakeServer, textStream } from "@loom/llm-testing";
import { TimeoutError } from "@loom/llm-types";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ChatClient } from "../chat-client.js";
import { failure, hello } from "../test-support.fixture.js";

let server: FakeServer;
const clients: ChatClient[] = [];
beforeAll(async () => {
  server = await createFakeServer();
});
afterAll(async () => {
  await Promise.all(clients.map((c) => c.close()));
  await server.close();
});

describe("undici's transport", () => {
  it("bounds a request queued behind a busy pool (maxConnections) by timeoutMs", async () => {
    const llm = new ChatClient(
      {},
      {
        baseUrl: server.baseUrl,
        model: "m",
        timeoutMs: 1_000,
        maxConnections: 1,
        maxRetries: 0,
        rateLimit: { requestsPerMinute: 2 },
      },
    );
    clients.push(llm);
    // A stream holding the one connection for about 4 s, each event well within timeoutMs.
    const slow = textStream(Array.from({ length: 20 }, (_, i) => `${i} `));
    server.enqueue({
      ...slow,
      events: slow.events.flatMap((event) => [{ delayMs: 200 }, event]),
    });
    const long = llm.stream(hello);
    const reading = (async () => {
      const pieces: string[] = [];
      for await (const piece of long) pieces.push(piece);
      return pieces.length;
    })();
    await new Promise((resolve) => setTimeout(resolve, 50));
    const started = performance.now();
    const error = await failure(llm.call(hello));
    const waited = performance.now() - started;
    expect(error).toBeInstanceOf(TimeoutError);
    expect((error as TimeoutError).phase).toBe("headers");
    expect(error.message).toContain(
      "no connection was free within 1000 ms (maxConnections: 1); not sent",
    );
    // timeoutMs (on a 100 ms tick), long before the stream frees the connection.
    expect(waited).toBeLessThan(2_500);
    expect(await reading).toBe(20);
    // Taken out of undici's queue: it did not go out once the connection was free.
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(server.requests).toHaveLength(1);
    // Nor did the rate limit count it: the window's second place is free.
    server.enqueue({ type: "json", body: completionBody() });
    await llm.call({ ...hello, deadlineMs: 1_000 });
    expect(server.requests).toHaveLength(2);
  });
});
