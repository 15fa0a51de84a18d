// undici's transport where its own timeouts fall short: a request queued behind the pool's busy
// connections (`maxConnections`) has no headers timeout of undici's running yet.
import { completionBody, createFakeServer, type FakeServer, textStream } from "@loom/llm-testing";
import { type CallGate, TimeoutError } from "@loom/llm-types";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ChatClient } from "../chat-client.js";
import { failure, hello, until } from "../test-support.fixture.js";

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
  it("tells sent from queued per request, when one abort ends both", async () => {
    const outcomes: string[] = [];
    let next = 0;
    const gate: CallGate = {
      name: "recording",
      enter: async () => {
        const id = next++;
        return { waitedMs: 0, leave: (outcome) => outcomes.push(`${id}:${outcome.sent}`) };
      },
    };
    const llm = new ChatClient(
      {},
      { baseUrl: server.baseUrl, model: "m", timeoutMs: 5_000, maxConnections: 1, maxRetries: 0 },
      { gates: [gate] },
    );
    clients.push(llm);
    server.reset();
    server.enqueue({ type: "json", body: completionBody(), delayMs: 3_000 });
    // One signal for both: undici rejects each with the same reason object.
    const controller = new AbortController();
    const calls = [0, 1].map((i) =>
      failure(
        llm.call({ messages: [{ role: "user", content: `hi ${i}` }], signal: controller.signal }),
      ),
    );
    await until(() => server.requests.length === 1);
    controller.abort(new Error("stop"));
    await Promise.all(calls);
    // The first was written and may have reached the server; the queued one never went.
    expect(outcomes.sort()).toEqual(["0:true", "1:false"]);
    expect(server.requests).toHaveLength(1);
  });

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
    server.reset();
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
