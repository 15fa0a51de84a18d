// What the rate-limit tests share: a request, the entry a gate sees for it, and a fake server
// that notes when each request reached it, with clients made through gates; the server starts
// before a file's tests, and it and every client are closed after them.
import { createFakeServer, type FakeReply, type FakeServer } from "@loom/llm-testing";
import type { CallGate, ChatRequest, GateEntry } from "@loom/llm-types";
import { afterAll, beforeAll, beforeEach } from "vitest";
import { ChatClient } from "../chat-client.js";

export const HELLO: ChatRequest = { messages: [{ role: "user", content: "hello" }] };

/** The request at a gate entered directly, with no deadline. */
export const GATE_ENTRY: GateEntry = {
  provider: "p",
  model: "m",
  estimatedTokens: 1,
  request: HELLO,
  deadline: undefined,
};

export interface GatedClients {
  readonly server: FakeServer;
  /** When each request the server answered with `reply` reached it (`performance.now()`). */
  readonly arrivals: number[];
  /** A client of the server through `gate`, no retries; closed after the file's tests. */
  client(gate: CallGate, extra?: Record<string, unknown>): ChatClient;
  /** Clients made otherwise, closed after the file's tests. */
  track(...clients: ChatClient[]): void;
}

/** The server answering with `reply` when nothing was queued; arrivals emptied before each test. */
export function gatedClients(reply: () => FakeReply): GatedClients {
  let server: FakeServer | undefined;
  const arrivals: number[] = [];
  const clients: ChatClient[] = [];
  beforeAll(async () => {
    server = await createFakeServer({
      fallback: () => {
        arrivals.push(performance.now());
        return reply();
      },
    });
  });
  afterAll(async () => {
    await Promise.all(clients.map((c) => c.close()));
    await server?.close();
  });
  beforeEach(() => {
    server?.reset();
    arrivals.length = 0;
  });
  return {
    get server(): FakeServer {
      if (server === undefined) throw new Error("the fake server starts before the tests");
      return server;
    },
    arrivals,
    client(gate, extra = {}) {
      const llm = new ChatClient(
        {},
        { baseUrl: this.server.baseUrl, model: "m", maxRetries: 0, ...extra },
        { gates: [gate] },
      );
      clients.push(llm);
      return llm;
    },
    track(...made) {
      clients.push(...made);
    },
  };
}
