// Calls and streams go through one exchange: each rule of the attempt loop (gates and their
// order, the concurrency slot, retries, the rule that nothing is resent once a response began)
// is asserted here once, for both, from the same table, over each transport (undici's and the
// runtime's fetch): the rules live above the transport, so they hold over either.

import { execFile } from "node:child_process";
import { promisify } from "node:util";
import {
  completionBody,
  completionChunk,
  createFakeServer,
  type FakeReply,
  type FakeServer,
} from "@loom/llm-testing";
import {
  type CallGate,
  type ChatRequest,
  type GateEntry,
  type GateOutcome,
  LLMError,
  type LLMResponse,
  type Transport,
  type TransportFactory,
  type TransportRequest,
  type TransportResponse,
} from "@loom/llm-types";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { ChatClient } from "../chat-client.js";
import type { ChatClientOptions } from "../chat-client-options.js";
import {
  failure,
  hello,
  TRANSPORT_NAMES,
  TRANSPORTS,
  type TransportName,
  until,
} from "../test-support.fixture.js";

/** A gate that lets everything through and writes down what it saw, under its name. */
function recordingGate(name: string, log: string[], refuse = false): CallGate {
  return {
    name,
    async enter(entry: GateEntry) {
      log.push(`${name}: enter ${entry.model}`);
      if (refuse) throw new Error(`${name} refused`);
      return {
        waitedMs: 0,
        leave(outcome: GateOutcome) {
          log.push(`${name}: leave sent=${outcome.sent}${outcome.usage ? " usage" : ""}`);
        },
      };
    },
  };
}

const ways = {
  call: (llm: ChatClient, request: ChatRequest = hello) => llm.call(request),
  stream: (llm: ChatClient, request: ChatRequest = hello) => llm.stream(request).response(),
} satisfies Record<string, (llm: ChatClient, request?: ChatRequest) => Promise<LLMResponse>>;

/** Each way over each transport. */
const cases = (Object.keys(ways) as (keyof typeof ways)[]).flatMap((way) =>
  TRANSPORT_NAMES.map((transport) => [way, transport] as const),
);

/** A reply as a call or a stream expects it. */
const answer = (way: keyof typeof ways, content = "ok"): FakeReply =>
  way === "call"
    ? { type: "json", body: completionBody({ content }) }
    : {
        type: "sse",
        events: [completionChunk({ content }), completionChunk({}, { finishReason: "stop" })],
      };

let server: FakeServer;
beforeAll(async () => {
  server = await createFakeServer();
});
afterAll(() => server.close());
beforeEach(() => server.reset());

const clients: ChatClient[] = [];
afterAll(async () => {
  await Promise.all(clients.map((c) => c.close()));
});
function client(
  options: ChatClientOptions = {},
  maxRetries = 2,
  transport: TransportName = "undici",
): ChatClient {
  const llm = new ChatClient(
    {},
    { baseUrl: server.baseUrl, model: "m", maxRetries, maxRetryDelayMs: 50 },
    { transport: TRANSPORTS[transport], ...options },
  );
  clients.push(llm);
  return llm;
}

describe.each(cases)("one exchange: %s over %s", (way, transport) => {
  const run = ways[way];
  const over = (options: ChatClientOptions = {}, maxRetries = 2) =>
    client(options, maxRetries, transport);

  it("gates in their order, then the request; a retry passes them again", async () => {
    const log: string[] = [];
    const llm = over({ gates: [recordingGate("a", log), recordingGate("b", log)] });
    server.enqueue({ type: "error", status: 503, body: "busy" }, answer(way));
    const response = await run(llm);
    expect(response.content).toBe("ok");
    expect(response.attempts).toBe(2);
    expect(log).toEqual([
      "a: enter m",
      "b: enter m",
      "a: leave sent=true",
      "b: leave sent=true",
      "a: enter m",
      "b: enter m",
      "a: leave sent=true usage",
      "b: leave sent=true usage",
    ]);
  });

  it("a gate that refuses: the gates before it are left as if nothing was sent", async () => {
    const log: string[] = [];
    const llm = over({ gates: [recordingGate("a", log), recordingGate("b", log, true)] });
    await expect(run(llm)).rejects.toThrow("b refused");
    expect(log).toEqual(["a: enter m", "b: enter m", "a: leave sent=false"]);
    expect(server.requests).toHaveLength(0);
  });

  it("retries what failed before the response began, as decideRetry says", async () => {
    const llm = over();
    server.enqueue(
      { type: "reset" },
      { type: "error", status: 429, body: "slow down" },
      answer(way),
    );
    const response = await run(llm);
    expect(response.attempts).toBe(3);
    expect(server.requests).toHaveLength(3);
  });

  it("never retries a 4xx other than 408/409/429: one request, the typed error", async () => {
    const llm = over();
    server.enqueue({ type: "error", status: 401, body: { error: { message: "bad key" } } });
    const error = await failure(run(llm));
    expect(error.name).toBe("AuthenticationError");
    expect(server.requests).toHaveLength(1);
  });

  it("never resends once the response began", async () => {
    const llm = over();
    // The status line and part of the body, then the connection cut.
    server.enqueue(
      way === "call"
        ? {
            type: "raw",
            headers: { "content-type": "application/json", "content-length": "400" },
            chunks: ['{"id":"x","choices":[', { delayMs: 20 }],
            end: "reset",
          }
        : {
            type: "raw",
            chunks: [
              `data: ${JSON.stringify(completionChunk({ content: "a" }))}\n\n`,
              { delayMs: 20 },
            ],
            end: "reset",
          },
      answer(way),
    );
    const error = await failure(run(llm));
    expect(error.name).toMatch(/ConnectionError|InvalidResponseError/);
    expect(error.retryable).toBe(false);
    expect(server.requests).toHaveLength(1);
  });

  it("a gate whose leave() throws: the paid answer stands, the failure is logged", async () => {
    const logged: string[] = [];
    const throwing: CallGate = {
      name: "broken",
      async enter() {
        return {
          waitedMs: 0,
          leave() {
            throw new Error("bookkeeping failed");
          },
        };
      },
    };
    const llm = new ChatClient(
      { logger: { error: (message: string) => void logged.push(message) } },
      { baseUrl: server.baseUrl, model: "m", maxRetries: 0 },
      { gates: [throwing], transport: TRANSPORTS[transport] },
    );
    clients.push(llm);
    server.enqueue(answer(way));
    expect((await run(llm)).content).toBe("ok");
    expect(logged).toHaveLength(1);
    expect(logged[0]).toContain(
      "a gate threw when told how a request ended; ignored: Error: bookkeeping failed",
    );
  });

  it("close() ends the wait between attempts at once, with the closed error", async () => {
    const closing = new ChatClient(
      {},
      { baseUrl: server.baseUrl, model: "m", maxRetries: 3, maxRetryDelayMs: 10_000 },
      { transport: TRANSPORTS[transport] },
    );
    // The server asks for a 5 s wait before the next attempt.
    server.enqueue({ type: "error", status: 503, body: "busy", headers: { "retry-after": "5" } });
    const started = performance.now();
    const waiting = failure(run(closing));
    while (server.requests.length === 0) await new Promise((resolve) => setTimeout(resolve, 10));
    await closing.close();
    const error = await waiting;
    expect(error.name).toBe("ConnectionError");
    expect(error.message).toContain("provider was closed");
    expect(server.requests).toHaveLength(1);
    // Not the 5 s the server asked for.
    expect(performance.now() - started).toBeLessThan(4_000);
  });

  it("a wait between attempts that would pass the deadline is not begun: the error itself, counting the attempts made", async () => {
    const llm = new ChatClient(
      {},
      { baseUrl: server.baseUrl, model: "m", maxRetries: 3, maxRetryDelayMs: 10_000 },
      { transport: TRANSPORTS[transport] },
    );
    clients.push(llm);
    // Two 503s answered at once, then a wait of 5 s asked for, past the deadline: not waited.
    for (const retryAfter of ["0", "0", "5"])
      server.enqueue({
        type: "error",
        status: 503,
        body: "busy",
        headers: { "retry-after": retryAfter },
      });
    const started = performance.now();
    const error = await failure(run(llm, { ...hello, deadlineMs: 800 }));
    expect(error).toMatchObject({ name: "ServerError", status: 503, retryable: true, attempts: 3 });
    expect(server.requests).toHaveLength(3);
    expect(performance.now() - started).toBeLessThan(800);
    // The caller's own abort reason, an error of its own, is left as it was given.
    const controller = new AbortController();
    const reason = new Error("stop");
    server.enqueue({ type: "error", status: 503, body: "busy", headers: { "retry-after": "5" } });
    const aborted = failure(run(llm, { ...hello, signal: controller.signal }));
    while (server.requests.length < 4) await new Promise((resolve) => setTimeout(resolve, 10));
    controller.abort(reason);
    expect(await aborted).toMatchObject({ name: "AbortError", attempts: 1, cause: reason });
  });
});

describe.each(Object.keys(ways) as (keyof typeof ways)[])("the transport seam: %s", (way) => {
  const run = ways[way];

  /** A transport of this package, wrapped to count what is sent through it. */
  function countingTransport(
    sent: TransportRequest[],
    closed: string[],
    wrapped: TransportFactory,
  ): TransportFactory {
    return (origin, options) => {
      const inner = wrapped(origin, options);
      return {
        send(request) {
          sent.push(request);
          return inner.send(request);
        },
        close(how) {
          closed.push(how.drain ? "drain" : "destroy");
          return inner.close(how);
        },
      };
    };
  }

  it.each(TRANSPORT_NAMES)(
    "every attempt goes through the transport given (%s); retries stay above it",
    async (transport) => {
      const sent: TransportRequest[] = [];
      const closed: string[] = [];
      const llm = new ChatClient(
        {},
        { baseUrl: `${server.baseUrl}?api-version=1`, model: "m", apiKey: "sk-seam-0123456789" },
        { transport: countingTransport(sent, closed, TRANSPORTS[transport]) },
      );
      server.enqueue({ type: "error", status: 503, body: "busy" }, answer(way));
      const response = await run(llm);
      expect(response.attempts).toBe(2);
      expect(sent).toHaveLength(2);
      expect(sent[0]?.path).toBe("/v1/chat/completions?api-version=1");
      expect(sent[0]?.headers.authorization).toBe("Bearer sk-seam-0123456789");
      expect(JSON.parse(sent[0]?.body ?? "{}").stream).toBe(way === "stream" ? true : undefined);
      expect(server.requests[0]?.path).toBe("/v1/chat/completions?api-version=1");
      expect(server.requests[0]?.headers.authorization).toBe("Bearer sk-seam-0123456789");
      await llm.close();
      expect(closed).toEqual(["destroy"]);
    },
  );

  it.each(TRANSPORT_NAMES)(
    "a transport's failure before any response is typed and retried; an abort is not (%s)",
    async (transport) => {
      let calls = 0;
      const flaky: TransportFactory = (origin, options) => {
        const inner = TRANSPORTS[transport](origin, options);
        return {
          send(request) {
            calls++;
            if (calls === 1)
              return Promise.reject(Object.assign(new Error("refused"), { code: "ECONNREFUSED" }));
            return inner.send(request);
          },
          close: (how) => inner.close(how),
        };
      };
      const llm = new ChatClient(
        {},
        { baseUrl: server.baseUrl, model: "m", maxRetryDelayMs: 50 },
        { transport: flaky },
      );
      server.enqueue(answer(way));
      expect((await run(llm)).attempts).toBe(2);
      const error = await failure(run(llm, { ...hello, signal: AbortSignal.abort() }));
      expect(error.name).toBe("AbortError");
      await llm.close();
    },
  );

  it("a transport that never answers: the call ends at its timeout, or at once on close()", async () => {
    const silent = (): Transport => ({
      send: () => new Promise(() => {}),
      close: async () => {},
    });
    const llm = new ChatClient(
      {},
      { baseUrl: server.baseUrl, model: "m", timeoutMs: 300, maxRetries: 0 },
      { transport: silent },
    );
    const started = performance.now();
    const timedOut = await failure(run(llm));
    expect(timedOut.name).toBe("TimeoutError");
    // timeoutMs and the transport's grace of a second, not forever.
    expect(performance.now() - started).toBeLessThan(5_000);
    const pending = failure(run(llm));
    await new Promise((resolve) => setTimeout(resolve, 50));
    await llm.close();
    const closed = await pending;
    expect(closed.message).toContain("provider was closed");
  });

  it("a transport that holds nothing open, silent before or after the headers: the process waits for the timeouts", async () => {
    // Alone in a process (the built package), nothing else keeps Node up: the call's own bound
    // must, or the process exits with the call unsettled (exit code 13).
    const entry = new URL("../../dist/index.js", import.meta.url).href;
    const script = `
      const { ChatClient } = await import(${JSON.stringify(entry)});
      const llm = new ChatClient({}, { baseUrl: "http://127.0.0.1:9/v1", model: "m", timeoutMs: 1000, maxRetries: 0 },
        { transport: () => ({ send: () => new Promise(() => {}), close: async () => {} }) });
      const error = await llm.call({ messages: [{ role: "user", content: "hi" }] }).catch((e) => e);
      console.log(error.name, error.phase);
      // Headers, then a body that never comes (its reads wait until destroyed), called and streamed
      // (its idle timeout).
      const silentBody = () => {
        let fail;
        const waiting = new Promise((_, reject) => (fail = reject));
        waiting.catch(() => {});
        return { [Symbol.asyncIterator]() { return { next: () => waiting }; }, text: () => waiting,
          destroy: (e) => fail(e ?? new Error("destroyed")) };
      };
      const headersOnly = new ChatClient({}, { baseUrl: "http://127.0.0.1:9/v1", model: "m", timeoutMs: 1000,
        streamIdleTimeoutMs: 1000, maxRetries: 0 }, { transport: () => ({
          // As the contract asks: the request's signal ends the body it sent.
          send: async (request) => {
            const body = silentBody();
            request.signal?.addEventListener("abort", () => body.destroy(request.signal.reason));
            return { status: 200, body, headers: { "content-type": request.headers.accept } };
          },
          close: async () => {} }) });
      const called = await headersOnly.call({ messages: [{ role: "user", content: "hi" }] }).catch((e) => e);
      console.log(called.name, called.phase);
      const streamed = await headersOnly.stream({ messages: [{ role: "user", content: "hi" }] }).response().catch((e) => e);
      console.log(streamed.name);`;
    const { stdout } = await promisify(execFile)(
      process.execPath,
      ["--input-type=module", "-e", script],
      {
        timeout: 15_000,
      },
    );
    expect(stdout.trim().split("\n")).toEqual([
      "TimeoutError headers",
      "TimeoutError body",
      "TimeoutError",
    ]);
  });

  it("a stream made with a deadline but never read: the process exits when its client is closed, not at the deadline", async () => {
    const entry = new URL("../../dist/index.js", import.meta.url).href;
    const script = `
      const { ChatClient } = await import(${JSON.stringify(entry)});
      const llm = new ChatClient({}, { baseUrl: "http://127.0.0.1:9/v1", model: "m" });
      llm.stream({ messages: [{ role: "user", content: "hi" }], deadlineMs: 60000 });
      await llm.close();
      console.log("closed");`;
    const started = performance.now();
    const { stdout } = await promisify(execFile)(
      process.execPath,
      ["--input-type=module", "-e", script],
      // Killed by then if it waits for its deadline (60 s): nothing outlives the test.
      { timeout: 15_000 },
    );
    expect(stdout.trim()).toBe("closed");
    expect(performance.now() - started).toBeLessThan(15_000);
  });

  it("a transport that throws a string holding the key, or answers nothing: typed and masked", async () => {
    const KEY = "sk-transport-0123456789abcdef";
    let answer: "string" | "nothing" = "string";
    const odd = (): Transport => ({
      send: () =>
        answer === "string"
          ? Promise.reject(`refused with ${KEY}`)
          : Promise.resolve(undefined as unknown as TransportResponse),
      close: async () => {},
    });
    const llm = new ChatClient(
      {},
      { baseUrl: server.baseUrl, model: "m", apiKey: KEY, maxRetries: 0 },
      { transport: odd },
    );
    const thrown = await failure(run(llm));
    expect(thrown.name).toBe("ConnectionError");
    expect(thrown.message).toContain("the transport threw refused with sk-…cdef");
    expect(thrown.message).not.toContain(KEY);
    answer = "nothing";
    const empty = await failure(run(llm));
    expect(empty.name).toBe("InvalidResponseError");
    expect(empty.message).toContain("the transport returned no response to read");
    await llm.close();
  });
});

describe.each(cases)("an error body: %s over %s", (way, transport) => {
  it("dripped slower than timeoutMs allows: the attempt ends at timeoutMs with the status error", async () => {
    const llm = new ChatClient(
      {},
      { baseUrl: server.baseUrl, model: "m", timeoutMs: 400, maxRetries: 0 },
      { transport: TRANSPORTS[transport] },
    );
    const drip = Array.from({ length: 40 }, () => [{ delayMs: 150 }, "x"]).flat();
    server.enqueue({ type: "raw", status: 502, chunks: drip });
    const started = performance.now();
    const error = await failure(ways[way](llm));
    expect(error.name).toBe("ServerError");
    // 40 bytes 150 ms apart would take 6 s; the attempt's timeoutMs cuts it.
    expect(performance.now() - started).toBeLessThan(3_000);
    await llm.close();
  });
});

describe("a stream whose iterator was taken but never advanced", () => {
  it("abort() settles its response()", async () => {
    const llm = client();
    const stream = llm.stream(hello);
    stream[Symbol.asyncIterator]();
    const settled = stream.response().then(
      () => "resolved",
      (e: Error) => e.name,
    );
    stream.abort();
    expect(await settled).toBe("AbortError");
    expect(server.requests).toHaveLength(0);
  });
});

describe("an error inside a stream, in the same read as the answer's first text", () => {
  it("is not resent: the server had begun the answer, however the network cut the bytes", async () => {
    const llm = client({}, 3);
    // One write: the text and the error arrive in one read, before anything is handed on.
    server.enqueue({
      type: "raw",
      headers: { "content-type": "text/event-stream" },
      chunks: [
        `data: ${JSON.stringify(completionChunk({ content: "Hello " }))}\n\n` +
          `data: ${JSON.stringify({ error: { message: "overloaded", type: "server_error", code: 503 } })}\n\n`,
      ],
    });
    const pieces: string[] = [];
    const error = await failure(async () => {
      for await (const piece of llm.stream(hello)) pieces.push(piece);
    });
    expect(error.name).toBe("ServerError");
    expect(server.requests).toHaveLength(1);
    // The text before the error is handed on first, as when the two come in separate reads.
    expect(pieces).toEqual(["Hello "]);
  });

  it.each(["openai-chat", "anthropic-messages", "openai-responses"] as const)(
    "%s: events() hands on the text, then throws, the same in one read as in two",
    async (protocol) => {
      const text = {
        "openai-chat": [
          `data: ${JSON.stringify(completionChunk({ role: "assistant", content: "" }))}\n\n`,
          `data: ${JSON.stringify(completionChunk({ content: "Hello world" }))}\n\n`,
        ],
        "anthropic-messages": [
          `event: message_start\ndata: ${JSON.stringify({ type: "message_start", message: { id: "msg_1", type: "message", role: "assistant", content: [], model: "c", usage: { input_tokens: 1, output_tokens: 1 } } })}\n\n`,
          `event: content_block_start\ndata: ${JSON.stringify({ type: "content_block_start", index: 0, content_block: { type: "text", text: "" } })}\n\n`,
          `event: content_block_delta\ndata: ${JSON.stringify({ type: "content_block_delta", index: 0, delta: { type: "text_delta", text: "Hello world" } })}\n\n`,
        ],
        "openai-responses": [
          `event: response.output_text.delta\ndata: ${JSON.stringify({ type: "response.output_text.delta", item_id: "msg_1", output_index: 0, content_index: 0, delta: "Hello world" })}\n\n`,
        ],
      }[protocol];
      const error = {
        "openai-chat": `data: ${JSON.stringify({ error: { message: "overloaded", type: "server_error", code: 503 } })}\n\n`,
        "anthropic-messages": `event: error\ndata: ${JSON.stringify({ type: "error", error: { type: "overloaded_error", message: "Overloaded" } })}\n\n`,
        "openai-responses": `event: error\ndata: ${JSON.stringify({ type: "error", code: "server_error", message: "boom" })}\n\n`,
      }[protocol];
      const seen: string[][] = [];
      // One write, then the same bytes in two writes 50 ms apart (two reads).
      for (const chunks of [[text.join("") + error], [text.join(""), { delayMs: 50 }, error]]) {
        const llm = new ChatClient(
          {},
          { baseUrl: server.baseUrl, model: "m", protocol, maxRetries: 2, maxRetryDelayMs: 50 },
          { transport: TRANSPORTS.undici },
        );
        server.enqueue({ type: "raw", headers: { "content-type": "text/event-stream" }, chunks });
        const texts: string[] = [];
        const thrown = await failure(async () => {
          for await (const event of llm.stream(hello).events())
            if (event.type === "text") texts.push(event.text);
        });
        expect(LLMError.isInstance(thrown) && thrown.retryable).toBe(false);
        seen.push(texts);
        await llm.close();
      }
      expect(seen[0]).toEqual(["Hello world"]);
      expect(seen[1]).toEqual(seen[0]);
      expect(server.requests).toHaveLength(2);
    },
  );
});

describe("a gate that does not watch the call's signal (a store that answers nothing)", () => {
  /** A gate whose enter() resolves only when `open()` is called, whatever the signal says. */
  function deafGate(log: string[]) {
    let open: () => void = () => {};
    const gate: CallGate = {
      name: "deaf",
      enter: () =>
        new Promise((resolve) => {
          open = () =>
            resolve({
              waitedMs: 0,
              leave: (outcome) => void log.push(`leave sent=${outcome.sent}`),
            });
        }),
    };
    return { gate, open: () => open() };
  }

  it("the deadline, an abort and close() each end the wait at once; a pass it gives later is handed back unsent", async () => {
    const log: string[] = [];
    const { gate, open } = deafGate(log);
    const llm = client({ gates: [gate] }, 0);
    const started = performance.now();
    const late = await failure(llm.call({ ...hello, deadlineMs: 300 }));
    expect(late.name).toBe("TimeoutError");
    // Well before the gate ever answers (it never does here): the deadline, with loaded-machine room.
    expect(performance.now() - started).toBeLessThan(2_000);
    open();
    await until(() => log.length === 1);
    expect(log).toEqual(["leave sent=false"]);

    const controller = new AbortController();
    const aborted = llm.call({ ...hello, signal: controller.signal });
    setTimeout(() => controller.abort(), 50);
    expect((await failure(aborted)).name).toBe("AbortError");
    open();
    await until(() => log.length === 2);

    const closing = llm.call(hello);
    setTimeout(() => void llm.close(), 50);
    expect((await failure(closing)).name).toBe("ConnectionError");
    open();
    await until(() => log.length === 3);
    expect(log).toEqual(["leave sent=false", "leave sent=false", "leave sent=false"]);
    expect(server.requests).toHaveLength(0);
  });

  it("aborted as the gate lets it through: nothing sent, and the gate hears so", async () => {
    const log: string[] = [];
    const controller = new AbortController();
    const gate: CallGate = {
      name: "last-moment",
      async enter() {
        controller.abort();
        return { waitedMs: 0, leave: (outcome) => void log.push(`leave sent=${outcome.sent}`) };
      },
    };
    const llm = client({ gates: [gate] }, 0);
    expect((await failure(llm.call({ ...hello, signal: controller.signal }))).name).toBe(
      "AbortError",
    );
    await until(() => log.length === 1);
    expect(log).toEqual(["leave sent=false"]);
    expect(server.requests).toHaveLength(0);
  });
});
