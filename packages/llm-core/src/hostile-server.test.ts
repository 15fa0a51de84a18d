// Servers written here with node:net, byte by byte: what an HTTP library will not let the fake
// server send (bad framing, informational responses, keys in odd places).
import { createServer, type Server, type Socket } from "node:net";
import { completionBody, createFakeServer, hostile } from "@loom/llm-testing";
import { ConfigError, InvalidResponseError, LLMError } from "@loom/llm-types";
import { afterEach, describe, expect, it } from "vitest";
import { ChatClient } from "./chat-client.js";
import {
  failure,
  hello,
  printed,
  TRANSPORT_NAMES,
  TRANSPORTS,
  type TransportName,
  texts,
} from "./test-support.fixture.js";

const KEY = "sk-LOOMsecretKEY0123456789abcdefQZ";

/** No run of 12 characters of the key anywhere. */
function expectNoKey(text: string): void {
  for (let i = 0; i + 12 <= KEY.length; i++) expect(text).not.toContain(KEY.slice(i, i + 12));
}

const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(closers.splice(0).map((close) => close()));
});

/** A TCP server answering every request with `answer(socket)`; counts the requests. */
async function rawServer(
  answer: (socket: Socket) => void,
): Promise<{ url: string; posts: () => number }> {
  let posts = 0;
  const server: Server = createServer((socket) => {
    socket.on("data", (data) => {
      if (data.toString("latin1").startsWith("POST ")) {
        posts++;
        answer(socket);
      }
    });
    socket.on("error", () => {});
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  closers.push(
    () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.unref();
      }),
  );
  return { url: `http://127.0.0.1:${port}/v1`, posts: () => posts };
}

function client(
  baseUrl: string,
  extra: Record<string, unknown> = {},
  transport: TransportName = "undici",
): ChatClient {
  const llm = new ChatClient(
    {},
    { baseUrl, model: "m", apiKey: KEY, maxRetries: 2, ...extra },
    { transport: TRANSPORTS[transport] },
  );
  closers.push(() => llm.close());
  return llm;
}

describe("keys in odd places", () => {
  it("a key at the end of a long non-JSON body is masked before the quote is cut", async () => {
    const server = await createFakeServer();
    closers.push(() => server.close());
    server.enqueue({
      type: "raw",
      headers: { "content-type": "application/json" },
      chunks: [`${"x".repeat(167)}${KEY}`],
    });
    const error = await failure(client(server.baseUrl).call(hello));
    expect(error).toBeInstanceOf(InvalidResponseError);
    expectNoKey(printed(error));
  });

  it.each(TRANSPORT_NAMES)("a key sent back as the content-encoding (%s)", async (transport) => {
    const server = await createFakeServer();
    closers.push(() => server.close());
    server.enqueue({ type: "raw", headers: { "content-encoding": KEY }, chunks: ["{}"] });
    const error = await failure(client(server.baseUrl, { maxRetries: 0 }, transport).call(hello));
    expect(error).toBeInstanceOf(InvalidResponseError);
    expect(error.message).toContain("which is not decoded");
    expectNoKey(printed(error));
    // Nor a copy of it in another case: masking matches the key as it is.
    const lower = printed(error).toLowerCase();
    for (let i = 0; i + 12 <= KEY.length; i++)
      expect(lower).not.toContain(KEY.toLowerCase().slice(i, i + 12));
  });

  it("a key sent back as the request id", async () => {
    const server = await createFakeServer();
    closers.push(() => server.close());
    server.enqueue({ type: "error", status: 401, body: "no", headers: { "x-request-id": KEY } });
    const error = await failure(client(server.baseUrl).call(hello));
    expectNoKey(printed(error));
    expectNoKey(String(error.requestId));
  });

  it.each(TRANSPORT_NAMES)(
    "a key in a chunk-size line (%s): InvalidResponseError, not the parser's error with the bytes",
    async (transport) => {
      const { url, posts } = await rawServer((socket) =>
        socket.end(
          `HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ntransfer-encoding: chunked\r\n\r\n${KEY}\r\n`,
        ),
      );
      const error = await failure(client(url, {}, transport).call(hello));
      expect(LLMError.isInstance(error)).toBe(true);
      expect(error).toBeInstanceOf(InvalidResponseError);
      expectNoKey(printed(error));
      expect(posts()).toBe(1);
    },
  );

  it.each(TRANSPORT_NAMES)(
    "a JSON body after a byte order mark (%s) reads the same with and without content-length",
    async (transport) => {
      const body = `\ufeff${JSON.stringify(completionBody({ content: "hello" }))}`;
      for (const framing of ["length", "chunked"] as const) {
        const { url } = await rawServer((socket) => {
          const bytes = Buffer.from(body);
          socket.write(
            framing === "length"
              ? `HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: ${bytes.length}\r\n\r\n`
              : "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ntransfer-encoding: chunked\r\n\r\n",
          );
          if (framing === "length") socket.end(bytes);
          else
            socket.end(
              Buffer.concat([
                Buffer.from(`${bytes.length.toString(16)}\r\n`),
                bytes,
                Buffer.from("\r\n0\r\n\r\n"),
              ]),
            );
        });
        expect((await client(url, {}, transport).call(hello)).content, framing).toBe("hello");
      }
    },
  );

  it("a key given with spaces around it is masked as the server echoes it (trimmed)", async () => {
    const server = await createFakeServer();
    closers.push(() => server.close());
    server.enqueue(hostile.echoHeaders("raw"));
    const error = await failure(client(server.baseUrl, { apiKey: `${KEY} ` }).call(hello));
    expect(error.message).toContain("invalid request headers");
    expectNoKey(printed(error));
  });

  it("a key in the base URL's query with a + in it, echoed as written", async () => {
    const server = await createFakeServer();
    closers.push(() => server.close());
    const key = "azure+KEY0123456789abcdefXYZ";
    server.enqueue((request) => ({
      type: "error",
      status: 400,
      body: { error: { message: `bad ${request.path}` } },
    }));
    const error = await failure(
      client(`${server.baseUrl}?api-version=1&subscription-key=${key}`, { apiKey: undefined }).call(
        hello,
      ),
    );
    expect(error.message).toContain("bad /v1/chat/completions?api-version=1");
    expect(printed(error)).not.toContain("KEY0123456789abcdef");
  });

  it("a header named with a key: the ConfigError masks the name", () => {
    let error: unknown;
    try {
      client("http://127.0.0.1:9/v1", { headers: { [`Authorization: Bearer ${KEY}`]: "x" } });
    } catch (e) {
      error = e;
    }
    expect(ConfigError.isInstance(error)).toBe(true);
    expectNoKey(printed(error));
  });
});

describe.each(TRANSPORT_NAMES)(
  "responses that began, however oddly, over %s: sent once",
  (transport) => {
    it("an unsolicited 100 Continue before the answer", async () => {
      const body = JSON.stringify(completionBody());
      const { url, posts } = await rawServer((socket) =>
        socket.write(
          `HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: ${body.length}\r\n\r\n${body}`,
        ),
      );
      const error = await failure(client(url, {}, transport).call(hello));
      expect(error.retryable).toBe(false);
      expect(posts()).toBe(1);
    });

    it("a header block over the limit", async () => {
      const { url, posts } = await rawServer((socket) =>
        socket.end(`HTTP/1.1 200 OK\r\nx-big: ${"a".repeat(70_000)}\r\n\r\n`),
      );
      const error = await failure(client(url, {}, transport).call(hello));
      expect(error.retryable).toBe(false);
      expect(posts()).toBe(1);
    });
  },
);

describe("a response cut before its header block ended (undici): sent once", () => {
  const PARTS = ["HTTP/1.", "HTTP/1.1 200 OK\r\n", "HTTP/1.1 503 Busy\r\ncontent-type: appl"];

  it.each(
    PARTS.flatMap((part) => (["FIN", "RST"] as const).map((end) => [JSON.stringify(part), end])),
  )("%s, then %s: never resent, however many retries are left", async (part, end) => {
    const { url, posts } = await rawServer((socket) => {
      socket.write(JSON.parse(part) as string);
      setTimeout(() => (end === "FIN" ? socket.end() : socket.resetAndDestroy()), 20);
    });
    const error = await failure(client(url).call(hello));
    expect(error).toMatchObject({ name: "ConnectionError", retryable: false, attempts: 1 });
    expect(error.message).toContain("after the response began");
    expect(posts()).toBe(1);
  });

  it("a status line, then nothing until timeoutMs: a TimeoutError, never resent", async () => {
    const { url, posts } = await rawServer((socket) => socket.write("HTTP/1.1 200 OK\r\n"));
    const error = await failure(client(url, { timeoutMs: 300 }).call(hello));
    expect(error).toMatchObject({ name: "TimeoutError", phase: "headers", retryable: false });
    expect(error.message).toContain("after the response began");
    expect(posts()).toBe(1);
  });

  it("a rate limit counts it: the server had the request", async () => {
    const { url, posts } = await rawServer((socket) => {
      socket.write("HTTP/1.1 200 OK\r\n");
      setTimeout(() => socket.end(), 20);
    });
    const llm = client(url, { maxRetries: 0, rateLimit: { requestsPerMinute: 1 } });
    await failure(llm.call(hello));
    const next = await failure(llm.call({ ...hello, deadlineMs: 500 }));
    expect(next).toMatchObject({ name: "TimeoutError", phase: "rate-limit" });
    expect(posts()).toBe(1);
  });

  it("on a reused connection too: not taken for a stale keep-alive socket", async () => {
    const body = JSON.stringify(completionBody());
    let answered = 0;
    const { url, posts } = await rawServer((socket) => {
      if (answered++ === 0)
        socket.write(
          `HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: ${body.length}\r\n\r\n${body}`,
        );
      else {
        socket.write("HTTP/1.1 200 OK\r\n");
        setTimeout(() => socket.end(), 20);
      }
    });
    const llm = client(url, { maxRetries: 0 });
    await llm.call(hello);
    const error = await failure(llm.call(hello));
    expect(error).toMatchObject({ name: "ConnectionError", retryable: false, attempts: 1 });
    expect(posts()).toBe(2);
  });
});

describe("odd shapes and bad options: typed errors, never a TypeError", () => {
  it("a header a hook made invalid: a ConfigError at once, nothing sent, no retry", async () => {
    const { url, posts } = await rawServer((socket) => socket.end());
    const retries: unknown[] = [];
    const llm = new ChatClient(
      {},
      { baseUrl: url, model: "m", apiKey: KEY, maxRetries: 2 },
      {
        hooks: [
          {
            beforeRequest: (request) => {
              request.headers = { "x-trace": "a\r\nb" };
            },
            onRetry: (info) => retries.push(info),
          },
        ],
      },
    );
    closers.push(() => llm.close());
    // A request of its own: the hook changes the one it is given.
    const error = await failure(llm.call({ messages: [...hello.messages] }));
    expect(error).toMatchObject({ name: "ConfigError", retryable: false, attempts: 1 });
    expect(error.message).toContain("could not be sent");
    expect(retries).toEqual([]);
    expect(posts()).toBe(0);
  });

  it.each([
    [
      "tool_calls: [null]",
      {
        choices: [
          {
            message: { role: "assistant", content: null, tool_calls: [null] },
            finish_reason: "tool_calls",
          },
        ],
      },
    ],
    ["choices: [null]", { choices: [null] }],
  ])("a call answered with %s", async (_name, body) => {
    const server = await createFakeServer();
    closers.push(() => server.close());
    server.enqueue({ type: "json", body });
    const outcome = await client(server.baseUrl)
      .call(hello)
      .then(
        (response) => response,
        (error: unknown) => error,
      );
    expect(
      LLMError.isInstance(outcome) || (outcome as { toolCalls?: unknown }).toolCalls !== undefined,
    ).toBe(true);
  });

  it("a stream of choices: [null] and tool_calls: [null] chunks", async () => {
    const server = await createFakeServer();
    closers.push(() => server.close());
    server.enqueue({
      type: "sse",
      events: [
        { choices: [null] },
        { choices: [{ delta: { tool_calls: [null] } }] },
        { choices: [{ delta: { content: "ok" }, finish_reason: "stop" }] },
      ],
    });
    expect(await texts(client(server.baseUrl))).toEqual(["ok"]);
  });

  it("a body nested 200 000 arrays deep", async () => {
    const server = await createFakeServer();
    closers.push(() => server.close());
    server.enqueue({
      type: "raw",
      headers: { "content-type": "application/json" },
      chunks: ["[".repeat(200_000)],
    });
    expect(LLMError.isInstance(await failure(client(server.baseUrl).call(hello)))).toBe(true);
  });

  describe("an answer nested deeper than the stack: an InvalidResponseError, never a RangeError", () => {
    // JSON.parse reads any depth; what turns the answer into a response recurses.
    const deep = `${'{"a":'.repeat(100_000)}1${"}".repeat(100_000)}`;
    const tree = { type: "object", properties: { a: { $ref: "#" } } };

    async function expectTooDeep(answer: Promise<unknown>, says: RegExp): Promise<void> {
      const error = await failure(answer);
      expect(error).toBeInstanceOf(InvalidResponseError);
      expect((error as Error).message).toMatch(says);
    }

    /** An answer read, or refused as too deep: how deep V8 recurses is V8's to change. */
    async function expectReadOrTooDeep(answer: Promise<unknown>): Promise<void> {
      const outcome = await answer.then(
        () => undefined,
        (error: unknown) => error,
      );
      if (outcome === undefined) return;
      expect(outcome).toBeInstanceOf(InvalidResponseError);
      expect((outcome as Error).message).toMatch(/nested too deeply to read/);
    }

    it("Anthropic's tool_use input, whole and streamed", async () => {
      const server = await createFakeServer();
      closers.push(() => server.close());
      const llm = client(server.baseUrl, { protocol: "anthropic-messages", maxRetries: 0 });
      server.enqueue({
        type: "raw",
        headers: { "content-type": "application/json" },
        chunks: [
          `{"id":"msg_1","type":"message","role":"assistant","model":"m","stop_reason":"tool_use","content":[{"type":"tool_use","id":"tu_1","name":"t","input":${deep}}],"usage":{"input_tokens":1,"output_tokens":1}}`,
        ],
      });
      await expectReadOrTooDeep(llm.call(hello));
      server.enqueue({
        type: "raw",
        headers: { "content-type": "text/event-stream" },
        chunks: [
          'event: message_start\ndata: {"type":"message_start","message":{"id":"msg_1","type":"message","role":"assistant","model":"m","content":[],"usage":{"input_tokens":1,"output_tokens":0}}}\n\n',
          `event: content_block_start\ndata: {"type":"content_block_start","index":0,"content_block":{"type":"tool_use","id":"tu_1","name":"t","input":${deep}}}\n\n`,
          'event: content_block_stop\ndata: {"type":"content_block_stop","index":0}\n\n',
          'event: message_delta\ndata: {"type":"message_delta","delta":{"stop_reason":"tool_use"},"usage":{"output_tokens":1}}\n\n',
          'event: message_stop\ndata: {"type":"message_stop"}\n\n',
        ],
      });
      await expectReadOrTooDeep(llm.stream(hello).response());
      expect(server.requests).toHaveLength(2);
    });

    it("a structured answer checked against a recursive schema", async () => {
      const server = await createFakeServer();
      closers.push(() => server.close());
      server.enqueue({ type: "json", body: completionBody({ content: deep }) });
      const request = {
        ...hello,
        responseFormat: { type: "json_schema" as const, name: "tree", schema: tree },
      };
      await expectTooDeep(
        client(server.baseUrl).call(request),
        /does not match its schema \(\(root\): nested too deeply to check/,
      );
    });
  });

  it.each([
    ["headers: null", { headers: null }, "request.headers"],
    ["signal: {}", { signal: {} }, "request.signal"],
    ["deadlineMs: 10n", { deadlineMs: 10n }, "request.deadlineMs"],
    ["a host header", { headers: { host: "evil.example" } }, "request.headers.host"],
    ["messages: [null]", { messages: [null] }, "request.messages.0"],
    [
      "a numeric content",
      { messages: [{ role: "user", content: 5 }] },
      "request.messages.0.content",
    ],
    ["tools: null", { tools: null }, "request.tools"],
  ])(
    "%s: a ConfigError from call() and from the stream, never a throw from stream()",
    async (_name, options, path) => {
      const llm = client("http://127.0.0.1:9/v1");
      const request = { ...hello, ...options } as never;
      const call = await failure(llm.call(request));
      let stream: ReturnType<ChatClient["stream"]> | undefined;
      expect(() => {
        stream = llm.stream(request);
      }).not.toThrow();
      const streamed = await failure(() => (stream as ReturnType<ChatClient["stream"]>).response());
      for (const error of [call, streamed]) {
        expect(error).toBeInstanceOf(ConfigError);
        expect((error as ConfigError).issues[0]?.path).toBe(path);
      }
    },
  );
});

describe("close()", () => {
  it("twice with drain: both resolve", async () => {
    const llm = client("http://127.0.0.1:9/v1");
    await expect(
      Promise.all([llm.close({ drain: true }), llm.close({ drain: true }), llm.close()]),
    ).resolves.toBeDefined();
  });
});
