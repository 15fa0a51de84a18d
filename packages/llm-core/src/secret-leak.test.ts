// Drives every error path with a recognisable key and looks for it everywhere an error or a
// provider can be printed: messages, cause chains, String, JSON, util.inspect, log lines.
import { inspect } from "node:util";
import {
  completionBody,
  completionChunk,
  createFakeServer,
  ECHO_ENCODINGS,
  type FakeReply,
  type FakeServer,
  hostile,
} from "@loom/llm-testing";
import { AuthenticationError, ConfigError } from "@loom/llm-types";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ChatClient } from "./chat-client.js";
import { withFallback } from "./fallback/with-fallback.js";
import { printed } from "./test-support.fixture.js";

const KEY = "sk-LEAKCANARY-7f3a9c2e1b5d4f6a8c0e";
const hello = { messages: [{ role: "user" as const, content: "hello" }] };
const logs: string[] = [];
const logger = {
  debug: (m: string, d?: object) => logs.push(`${m} ${inspect(d)}`),
  info: (m: string, d?: object) => logs.push(`${m} ${inspect(d)}`),
  warn: (m: string, d?: object) => logs.push(`${m} ${inspect(d)}`),
  error: (m: string, d?: object) => logs.push(`${m} ${inspect(d)}`),
};

let server: FakeServer;
let llm: ChatClient;
beforeAll(async () => {
  server = await createFakeServer();
  llm = new ChatClient(
    { logger },
    {
      baseUrl: server.baseUrl,
      model: "m",
      apiKey: KEY,
      apiKeyEnv: "CANARY_KEY",
      timeoutMs: 300,
      maxRetries: 1,
      maxResponseBytes: 4096,
    },
  );
});
afterAll(async () => {
  await llm.close();
  await server.close();
});

const echo = (status: number) => ({
  type: "error" as const,
  status,
  body: {
    error: {
      message: `Incorrect API key provided: ${KEY}. You can find your key at ...`,
      type: "invalid_request_error",
      code: "invalid_api_key",
    },
  },
});

describe("the key never leaks", () => {
  const call = () => llm.call(hello);
  const stream = () => llm.stream(hello).response();
  const truncated: FakeReply = {
    type: "sse",
    events: [completionChunk({ content: "x" })],
    done: false,
  };
  const html: FakeReply = { type: "error", status: 500, body: `<html>${KEY}</html>` };
  const paths: [string, FakeReply[], () => Promise<unknown>][] = [
    ["401 echoing the key", [echo(401)], call],
    ["403", [echo(403)], call],
    ["429 then 429", [echo(429), echo(429)], call],
    ["500 HTML", [html, html], call],
    [
      "a mid-stream error echoing the key",
      [
        {
          type: "sse",
          events: [
            completionChunk({ content: "a" }),
            { error: { message: `bad key ${KEY}`, type: "authentication_error" } },
          ],
        },
      ],
      stream,
    ],
    ["a timeout", [{ type: "hang" }, { type: "hang" }], call],
    ["a reset", [{ type: "reset" }, { type: "reset" }, { type: "reset" }], call],
    [
      "malformed JSON",
      [{ type: "json", body: "{oops", headers: { "content-type": "application/json" } }],
      call,
    ],
    ["a body over the limit", [{ type: "large", bytes: 10_000 }], call],
    ["an abort", [], () => llm.call({ ...hello, signal: AbortSignal.abort() })],
    ["a truncated stream", [truncated, truncated], stream],
    ["a bad per-call header", [], () => llm.call({ ...hello, headers: { "x-bad": "a\nb" } })],
  ];

  it.each(paths)("%s", async (_name, replies, run) => {
    server.enqueue(...replies);
    const error = await run().then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeDefined();
    const text = printed(error);
    expect(text).not.toContain(KEY);
    expect(text).not.toContain("LEAKCANARY-7f3a9c2e");
  });

  it("a key of 9,000 characters: answers arrive whole, and an echo of it is masked", async () => {
    // A search spelling such a key in one regular expression was too large for V8: every answer
    // longer than the key failed with a SyntaxError spelling the key out.
    const long = `sk-${"Ab9xQ".repeat(1_800)}`.slice(0, 9_000);
    const own = await createFakeServer();
    const client = new ChatClient({}, { baseUrl: own.baseUrl, model: "m", apiKey: long });
    try {
      const content = "z".repeat(9_100);
      own.enqueue(
        { type: "json", body: completionBody({ content }) },
        { type: "sse", events: [completionChunk({ content }), completionChunk({ content: "!" })] },
      );
      expect((await client.call(hello)).content).toBe(content);
      expect((await client.stream(hello).response()).content).toBe(`${content}!`);
      own.enqueue({
        type: "error",
        status: 401,
        body: { error: { message: `Incorrect API key provided: ${long}.` } },
      });
      const error = await client.call(hello).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(AuthenticationError);
      expect(printed(error)).not.toContain(long.slice(0, 40));
    } finally {
      await client.close();
      await own.close();
    }
  });

  it("a config error never echoes the key", () => {
    const refused = [
      // A key over plain HTTP to a remote host is refused before anything is sent.
      { baseUrl: "http://remote.example.com/v1", model: "m", apiKey: KEY },
      // Every other problem of the same config is listed alongside, the key still masked.
      { baseUrl: "http://remote.example.com/v1", model: "", apiKey: KEY, temperature: 9 },
    ];
    for (const config of refused) {
      let error: unknown;
      try {
        new ChatClient({}, config);
      } catch (e) {
        error = e;
      }
      expect(ConfigError.isInstance(error)).toBe(true);
      const text = printed(error);
      expect(text).toContain("refusing to send the API key over plain http://");
      expect(text).not.toContain(KEY);
    }
  });

  it("the provider and its config print redacted", () => {
    for (const text of [
      String(llm),
      JSON.stringify(llm),
      inspect(llm, { depth: 10, showHidden: true }),
      inspect(llm.config, { showHidden: true }),
      JSON.stringify(llm.config),
      JSON.stringify({ ...llm.config }),
    ]) {
      expect(text).not.toContain(KEY);
    }
  });

  it("retries and fallbacks are logged at debug level, never with the key", async () => {
    const lines: string[] = [];
    const debug = { debug: (m: string, d?: object) => lines.push(`${m} ${inspect(d)}`) };
    const primary = new ChatClient(
      { logger: debug },
      { baseUrl: server.baseUrl, model: "m", apiKey: KEY, maxRetries: 1, maxRetryDelayMs: 100 },
    );
    const backup = new ChatClient({ logger: debug }, { baseUrl: server.baseUrl, model: "backup" });
    server.reset();
    server.enqueue(echo(429), echo(429), { type: "json", body: completionBody() });
    await withFallback([primary, backup]).call(hello);
    await Promise.all([primary.close(), backup.close()]);
    expect(lines.filter((line) => line.startsWith("custom: retrying m in "))).toHaveLength(1);
    expect(lines.some((line) => line.includes("RateLimitError"))).toBe(true);
    expect(lines.some((line) => line.startsWith("fallback: model 1 of 2 failed"))).toBe(true);
    expect(lines.join("\n")).not.toContain(KEY);
    expect(lines.join("\n")).not.toContain("LEAKCANARY-7f3a9c2e");
  });

  it("the key does reach the server, in the Authorization header only", async () => {
    server.reset();
    server.enqueue({ type: "json", body: completionBody() });
    await llm.call(hello);
    expect(server.requests).toHaveLength(1);
    expect(server.requests[0]?.headers.authorization).toBe(`Bearer ${KEY}`);
    expect(server.requests[0]?.rawBody).not.toContain(KEY);
  });
});

describe("the key never leaks, whatever a hostile server echoes and however it disguises it", () => {
  const secretHeader = "hdr-LEAKCANARY-0a1b2c3d4e5f";
  const perCall = "call-LEAKCANARY-9f8e7d6c5b4a";
  const querySecret = "qry-LEAKCANARY-1234abcd5678";
  let hostileServer: FakeServer;
  let client: ChatClient;
  beforeAll(async () => {
    hostileServer = await createFakeServer();
    client = new ChatClient(
      {},
      {
        baseUrl: `${hostileServer.baseUrl}?api-version=1&api-key=${querySecret}`,
        model: "m",
        apiKey: KEY,
        headers: { "x-api-key": secretHeader },
        maxRetries: 0,
      },
    );
  });
  afterAll(async () => {
    await client.close();
    await hostileServer.close();
  });

  const secrets = [KEY, secretHeader, perCall, querySecret];
  const expectClean = (error: unknown) => {
    expect(error).toBeDefined();
    const text = printed(error);
    for (const secret of secrets) expect(text).not.toContain(secret);
    for (const secret of secrets) {
      expect(text).not.toContain(Buffer.from(secret).toString("base64").slice(4, 20));
      expect(text.toLowerCase()).not.toContain(Buffer.from(secret).toString("hex"));
    }
  };
  const ask = { ...hello, headers: { authorization: `Bearer ${perCall}` } };
  const echoed = (text: string) => `${KEY} ${secretHeader} ${perCall} ${querySecret} ${text}`;

  it.each(ECHO_ENCODINGS)("request headers echoed in an error body, %s", async (encoding) => {
    hostileServer.enqueue(hostile.echoHeaders(encoding));
    const error = await client.call(ask).then(
      () => undefined,
      (e: unknown) => e,
    );
    expectClean(error);
    expect(String(error)).toContain("invalid request headers");
  });

  it("a 200 body that is not JSON, echoing the secrets", async () => {
    hostileServer.enqueue({
      type: "raw",
      headers: { "content-type": "application/json" },
      chunks: [echoed("not json")],
    });
    expectClean(
      await client.call(ask).then(
        () => undefined,
        (e: unknown) => e,
      ),
    );
  });

  it("a stream event that is not JSON, echoing the secrets", async () => {
    hostileServer.enqueue({ type: "raw", chunks: [`data: ${echoed("oops")}\n\n`] });
    expectClean(
      await client
        .stream(ask)
        .response()
        .then(
          () => undefined,
          (e: unknown) => e,
        ),
    );
  });

  it("a completion without choices, echoing the secrets in its raw body", async () => {
    hostileServer.enqueue({ type: "json", body: { error_detail: echoed(""), choices: [] } });
    expectClean(
      await client.call(ask).then(
        () => undefined,
        (e: unknown) => e,
      ),
    );
  });

  it("the request line of every error masks the credential in the base URL's query", async () => {
    hostileServer.enqueue({ type: "error", status: 500, body: "boom" });
    const error = await client.call(hello).then(
      () => undefined,
      (e: unknown) => e,
    );
    expectClean(error);
    expect((error as Error).message).toContain("api-version=1&api-key=…");
    for (const text of [String(client), JSON.stringify(client), inspect(client)]) {
      for (const secret of secrets) expect(text).not.toContain(secret);
    }
  });
});

describe("a key a proxy wrote back with JSON escapes inside a string (double-encoded)", () => {
  // A key with `/` and `g`: a PHP-style proxy escapes `/` as `\/`, another writes `\u0067`.
  const slashKey = "sk-proj-AbC123/xyz+789_def=GHIjklMNOpgq";
  let proxy: FakeServer;
  let client: ChatClient;
  beforeAll(async () => {
    proxy = await createFakeServer();
    client = new ChatClient(
      {},
      { baseUrl: proxy.baseUrl, model: "m", apiKey: slashKey, maxRetries: 0 },
    );
  });
  afterAll(async () => {
    await client.close();
    await proxy.close();
  });
  const upstream = (key: string) =>
    `upstream rejected: {"headers":{"authorization":"Bearer ${key}"}}`;
  const disguises = [
    ["\\/", slashKey.replaceAll("/", "\\/")],
    ["\\u0067", slashKey.replaceAll("g", "\\u0067")],
  ] as const;
  const expectClean = (error: unknown) => {
    expect(error).toBeDefined();
    const text = printed(error);
    for (const [, disguised] of disguises) expect(text).not.toContain(disguised);
    expect(text).not.toContain(slashKey);
    expect(text).not.toContain("xyz+789_def=GHI");
  };
  const failure = (run: Promise<unknown>) =>
    run.then(
      () => undefined,
      (e: unknown) => e,
    );

  it.each(disguises)(
    "%s: in a 401 body, a 200 body without choices, an error in a stream",
    async (_, key) => {
      proxy.enqueue({ type: "error", status: 401, body: { error: { message: upstream(key) } } });
      expectClean(await failure(client.call(hello)));
      proxy.enqueue({ type: "json", body: { error_detail: upstream(key), choices: [] } });
      expectClean(await failure(client.call(hello)));
      proxy.enqueue({
        type: "sse",
        events: [completionChunk({ content: "a" }), { error: { message: upstream(key) } }],
      });
      expectClean(await failure(client.stream(hello).response()));
    },
  );
});
