import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { completionBody } from "../wire/completion-body.js";
import { textStream } from "../wire/text-stream.js";
import { createFakeServer, type FakeServer } from "./create-fake-server.js";

let server: FakeServer;
beforeEach(async () => {
  server = await createFakeServer();
});
afterEach(async () => {
  await server.close();
});

const post = (body: unknown = { model: "m", messages: [] }, headers: Record<string, string> = {}) =>
  fetch(`${server.baseUrl}/chat/completions`, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: JSON.stringify(body),
  });

describe("createFakeServer", () => {
  it("listens on loopback and answers queued replies in order", async () => {
    expect(server.baseUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/v1$/);
    server.enqueue(
      { type: "json", body: completionBody({ content: "one" }) },
      { type: "json", body: completionBody({ content: "two" }) },
    );
    const first = (await (await post()).json()) as { choices: { message: { content: string } }[] };
    const second = (await (await post()).json()) as { choices: { message: { content: string } }[] };
    expect(first.choices[0]?.message.content).toBe("one");
    expect(second.choices[0]?.message.content).toBe("two");
  });

  it("records each request: method, path, lowercased headers, parsed body", async () => {
    server.enqueue({ type: "json", body: {} });
    await post({ model: "x", messages: [{ role: "user", content: "hi" }] }, { "X-Trace": "t" });
    expect(server.requests).toHaveLength(1);
    expect(server.lastRequest).toMatchObject({
      index: 1,
      method: "POST",
      path: "/v1/chat/completions",
      body: { model: "x", messages: [{ role: "user", content: "hi" }] },
    });
    expect(server.lastRequest?.headers["x-trace"]).toBe("t");
    expect(server.lastJson()).toEqual({ model: "x", messages: [{ role: "user", content: "hi" }] });
  });

  it("lastJson() fails clearly when there is no JSON body", () => {
    expect(() => server.lastJson()).toThrow("no JSON object body (0 received)");
  });

  it("says clearly when no reply was scripted, and that it is not worth retrying", async () => {
    const res = await post();
    expect(res.status).toBe(500);
    expect(res.headers.get("x-should-retry")).toBe("false");
    expect(await res.text()).toContain(
      "no reply scripted for request #1 (POST /v1/chat/completions)",
    );
  });

  it("a JSON error reply carries an x-request-id, as OpenAI's do, unless the script sets one", async () => {
    server.enqueue(
      { type: "error", status: 429, body: { error: { message: "slow" } } },
      { type: "error", status: 401, body: {}, headers: { "X-Request-Id": "req_own" } },
      { type: "error", status: 529, body: {}, headers: { "request-id": "req_anthropic" } },
      { type: "error", status: 502, body: "<html>bad gateway</html>" },
    );
    const ids = [];
    for (let i = 0; i < 4; i++) {
      const res = await post();
      ids.push([res.headers.get("x-request-id"), res.headers.get("request-id")]);
    }
    expect(ids).toEqual([
      ["req_fake_1", null],
      ["req_own", null],
      // Anthropic's own header: not given OpenAI's besides.
      [null, "req_anthropic"],
      // A proxy's HTML page has no request id.
      [null, null],
    ]);
  });

  it("uses the fallback once the queue is empty, and a function reply sees the request", async () => {
    server.setFallback((request) => ({
      type: "json",
      body: { echo: (request.body as { model: string }).model },
    }));
    expect(await (await post({ model: "a" })).json()).toEqual({ echo: "a" });
    expect(await (await post({ model: "b" })).json()).toEqual({ echo: "b" });
  });

  it("sends error replies with status, headers and an HTML or JSON body", async () => {
    server.enqueue({
      type: "error",
      status: 429,
      body: { error: { message: "slow" } },
      headers: { "retry-after": "3" },
    });
    server.enqueue({ type: "error", status: 502, body: "<html>bad gateway</html>" });
    const limited = await post();
    expect(limited.status).toBe(429);
    expect(limited.headers.get("retry-after")).toBe("3");
    expect(await limited.json()).toEqual({ error: { message: "slow" } });
    const proxy = await post();
    expect(proxy.headers.get("content-type")).toContain("text/html");
    expect(await proxy.text()).toBe("<html>bad gateway</html>");
  });

  it("streams SSE events, comments and [DONE]", async () => {
    server.enqueue({
      type: "sse",
      events: [{ comment: "keep-alive" }, { a: 1 }, "raw text", { event: "error", data: "{}" }],
    });
    const res = await post();
    expect(res.headers.get("content-type")).toBe("text/event-stream");
    expect(await res.text()).toBe(
      ': keep-alive\n\ndata: {"a":1}\n\ndata: raw text\n\nevent: error\ndata: {}\n\ndata: [DONE]\n\n',
    );
  });

  it("textStream builds a realistic OpenAI stream, with the usage chunk when asked for", async () => {
    server.enqueue(textStream(["Hi", "!"]), textStream(["Hi", "!"]));
    const asked = {
      model: "m",
      messages: [],
      stream: true,
      stream_options: { include_usage: true },
    };
    const lines = (await (await post(asked)).text()).split("\n\n").filter(Boolean);
    expect(lines).toHaveLength(6);
    expect(JSON.parse(lines[1]?.slice(6) ?? "")).toMatchObject({
      choices: [{ delta: { content: "Hi" } }],
    });
    expect(JSON.parse(lines[4]?.slice(6) ?? "")).toMatchObject({
      choices: [],
      usage: { completion_tokens: 2 },
    });
    expect(lines[5]).toBe("data: [DONE]");
    // Not asked: no `choices: []` chunk, which a client's `chunk.choices[0]` would trip on.
    const plain = (await (await post({ model: "m", messages: [], stream: true })).text())
      .split("\n\n")
      .filter(Boolean);
    expect(plain).toHaveLength(5);
    expect(plain.every((line) => !line.includes('"choices":[]'))).toBe(true);
  });

  it("raw replies send exact bytes", async () => {
    server.enqueue({
      type: "raw",
      chunks: ["data: a\r", { delayMs: 5 }, new Uint8Array([0x0a, 0x0a])],
    });
    expect(await (await post()).text()).toBe("data: a\r\n\n");
  });

  it("counts connections and closes stalled ones on close()", async () => {
    server.enqueue({ type: "hang" });
    const pending = post().catch((error: unknown) => error);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(server.connectionCount).toBe(1);
    expect(server.openConnections).toBe(1);
    await server.close();
    expect(await pending).toBeInstanceOf(Error);
    server = await createFakeServer();
  });

  it("reset() forgets requests and queued replies", async () => {
    server.enqueue({ type: "json", body: {} }, { type: "json", body: {} });
    await post();
    server.reset();
    expect(server.requests).toHaveLength(0);
    expect((await post()).status).toBe(500);
  });

  it("reset closes the connection without an answer", async () => {
    server.enqueue({ type: "reset" });
    await expect(post()).rejects.toThrow();
  });

  it("cutAfterBytes resets the connection after exactly that many body bytes", async () => {
    server.enqueue({ type: "sse", events: [{ a: 1 }, { b: 2 }], cutAfterBytes: 12 });
    const res = await post();
    const reader = res.body?.getReader();
    const received: number[] = [];
    await expect(
      (async () => {
        for (;;) {
          const { done, value } = (await reader?.read()) ?? { done: true, value: undefined };
          if (done) break;
          received.push(...(value ?? []));
        }
      })(),
    ).rejects.toThrow();
    expect(Buffer.from(received).toString()).toBe('data: {"a":1');
  });

  it("keepAlive sends comments on a timer before the events", async () => {
    server.enqueue({ type: "sse", events: [{ a: 1 }], keepAlive: { everyMs: 20, forMs: 100 } });
    const text = await (await post()).text();
    const comments = text.split("\n\n").filter((line) => line === ": keep-alive").length;
    expect(comments).toBeGreaterThanOrEqual(3);
    expect(text.endsWith('data: {"a":1}\n\ndata: [DONE]\n\n')).toBe(true);
  });

  it("large streams a body of the given size without holding it", async () => {
    server.enqueue({ type: "large", bytes: 5 * 1024 * 1024, contentLength: true });
    const res = await post();
    expect(res.headers.get("content-length")).toBe(String(5 * 1024 * 1024));
    expect((await res.arrayBuffer()).byteLength).toBe(5 * 1024 * 1024);
  });
});

describe("createFakeServer({ cors: true })", () => {
  it("answers a preflight itself, unrecorded, and lets a page read the replies' headers", async () => {
    const cors = await createFakeServer({
      cors: true,
      replies: [
        {
          type: "error",
          status: 429,
          headers: { "retry-after": "1", "anthropic-ratelimit-requests-remaining": "0" },
          body: { error: { message: "slow down" } },
        },
      ],
    });
    try {
      const preflight = await fetch(`${cors.baseUrl}/messages`, {
        method: "OPTIONS",
        headers: {
          origin: "http://page.test",
          "access-control-request-method": "POST",
          "access-control-request-headers": "content-type, x-api-key, anthropic-version",
        },
      });
      expect(preflight.status).toBe(204);
      expect(preflight.headers.get("access-control-allow-origin")).toBe("http://page.test");
      expect(preflight.headers.get("access-control-allow-methods")).toContain("POST");
      expect(preflight.headers.get("access-control-allow-headers")).toBe(
        "content-type, x-api-key, anthropic-version",
      );
      expect(cors.requests).toHaveLength(0);

      const res = await fetch(`${cors.baseUrl}/messages`, {
        method: "POST",
        headers: { origin: "http://page.test", "content-type": "application/json" },
        body: "{}",
      });
      // The preflight took no reply: the first request still gets the first one.
      expect(res.status).toBe(429);
      expect(res.headers.get("access-control-allow-origin")).toBe("http://page.test");
      const exposed = res.headers.get("access-control-expose-headers")?.split(", ") ?? [];
      for (const name of [
        "retry-after",
        "x-request-id",
        "request-id",
        "x-should-retry",
        "anthropic-ratelimit-requests-remaining",
      ]) {
        expect(exposed).toContain(name);
      }
      expect(cors.requests.map((r) => r.method)).toEqual(["POST"]);
    } finally {
      await cors.close();
    }
  });

  it("sends no CORS headers and records OPTIONS as any request without it", async () => {
    server.enqueue({ type: "json", body: {} });
    const res = await fetch(server.url, {
      method: "OPTIONS",
      headers: { origin: "http://page.test", "access-control-request-method": "POST" },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get("access-control-allow-origin")).toBeNull();
    expect(server.requests.map((r) => r.method)).toEqual(["OPTIONS"]);
  });
});
