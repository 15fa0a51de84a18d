// The exchange's own bound on a transport that does not end its waits (`settlesItself` not
// set): a caller's transport, here undici's behind a wrapper that ignores the signal.
import { createFakeServer, type FakeServer } from "@loom/llm-testing";
import type { Transport, TransportRequest } from "@loom/llm-types";
import { TimeoutError } from "@loom/llm-types";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ChatClient } from "../chat-client.js";
import { failure, hello } from "../test-support.fixture.js";
import { undiciTransport } from "../transport/undici-transport.js";

let server: FakeServer;
const clients: ChatClient[] = [];
beforeAll(async () => {
  server = await createFakeServer();
});
afterAll(async () => {
  await Promise.all(clients.map((c) => c.close()));
  await server.close();
});

describe("a transport that does not settle by itself", () => {
  it("is told to stop (its signal aborts) when the exchange stops waiting, and a late answer is let go unheard", async () => {
    const seen: TransportRequest[] = [];
    const llm = new ChatClient(
      {},
      { baseUrl: server.baseUrl, model: "m", timeoutMs: 200, maxRetries: 0 },
      {
        transport: (origin, options) => {
          // undici's pool, with timeouts too long to fire: only the exchange's bound ends the wait.
          const inner = undiciTransport(origin, { ...options, timeoutMs: 60_000 });
          const transport: Transport = {
            send: (request) => {
              seen.push(request);
              return inner.send({ ...request, signal: undefined, timeoutMs: 60_000 });
            },
            close: (how) => inner.close(how),
          };
          return transport;
        },
      },
    );
    clients.push(llm);
    // Answered after the exchange gave up (timeoutMs + 1 s of grace): its body is destroyed,
    // which undici reports as an `error` event; unheard, it would crash the process.
    server.enqueue({ type: "json", body: { ok: true }, delayMs: 1_600 });
    const error = await failure(llm.call(hello));
    expect(error).toBeInstanceOf(TimeoutError);
    expect(seen[0]?.signal?.aborted).toBe(true);
    await new Promise((resolve) => setTimeout(resolve, 800));
    expect(server.requests).toHaveLength(1);
  });
});
