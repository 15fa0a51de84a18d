// Replies a client must survive from proxies and misconfigured servers: HTML with status 200,
// compressed bodies nobody asked for. Over each transport: undici's decodes a compressed body in
// Loom's code, fetch in the runtime's; the outcome is the same.
import { gzipSync, zstdCompressSync } from "node:zlib";
import { completionBody, hostile, textStream } from "@loom/llm-testing";
import { InvalidResponseError, RateLimitError } from "@loom/llm-types";
import { describe, expect, it } from "vitest";
import {
  failure,
  hello,
  serverAndClient,
  TRANSPORT_NAMES,
  TRANSPORTS,
  texts,
} from "../test-support.fixture.js";

const setups = {
  undici: await serverAndClient({}, { transport: TRANSPORTS.undici }),
  fetch: await serverAndClient({}, { transport: TRANSPORTS.fetch }),
};
// For a compressed body that decodes far larger than it came.
const bounded = {
  undici: await serverAndClient({ maxResponseBytes: 100_000 }, { transport: TRANSPORTS.undici }),
  fetch: await serverAndClient({ maxResponseBytes: 100_000 }, { transport: TRANSPORTS.fetch }),
};

describe.each(TRANSPORT_NAMES)("odd replies over %s", (transport) => {
  const { server, llm } = setups[transport];

  it("a 200 text/html page to a stream: InvalidResponseError naming the content type", async () => {
    server.enqueue({
      type: "raw",
      headers: { "content-type": "text/html; charset=utf-8" },
      chunks: ["<html><body>Please sign in</body></html>"],
    });
    const error = await failure(() => texts(llm));
    expect(error).toBeInstanceOf(InvalidResponseError);
    expect(error.message).toContain("content-type text/html; charset=utf-8, not text/event-stream");
    expect(error.message).toContain("Please sign in");
  });

  it("a gzip body from a proxy is decoded (call)", async () => {
    server.enqueue(hostile.gzippedBody("from behind a proxy"));
    expect((await llm.call(hello)).content).toBe("from behind a proxy");
  });

  it("a gzip stream from a proxy is decoded", async () => {
    const sse = textStream(["a", "b"]);
    const text = (sse.events as object[])
      .map((event) => `data: ${JSON.stringify(event)}\n\n`)
      .join("");
    server.enqueue({
      type: "raw",
      headers: { "content-encoding": "gzip" },
      chunks: [gzipSync(`${text}data: [DONE]\n\n`)],
    });
    expect(await texts(llm)).toEqual(["a", "b"]);
  });

  it("a body that claims gzip but is not: InvalidResponseError, not garbage", async () => {
    server.enqueue({
      type: "raw",
      headers: { "content-type": "application/json", "content-encoding": "gzip" },
      chunks: [JSON.stringify(completionBody())],
    });
    const error = await failure(() => llm.call(hello));
    expect(error).toBeInstanceOf(InvalidResponseError);
    expect(error.message).toContain("could not be decoded");
  });

  it("a gzip error body is decoded too: its message is readable", async () => {
    server.enqueue({
      type: "raw",
      status: 429,
      headers: { "content-type": "application/json", "content-encoding": "gzip" },
      chunks: [
        gzipSync(JSON.stringify({ error: { message: "slow down", type: "rate_limit_error" } })),
      ],
    });
    const error = await failure(() => llm.call(hello));
    expect(error).toBeInstanceOf(RateLimitError);
    expect(error.message).toContain("slow down");
  });

  it("an encoding the client does not decode: InvalidResponseError naming it", async () => {
    server.enqueue({
      type: "raw",
      headers: { "content-type": "application/json", "content-encoding": "snappy" },
      chunks: ["xx"],
    });
    const error = await failure(() => llm.call(hello));
    expect(error).toBeInstanceOf(InvalidResponseError);
    expect(error.message).toContain('encoded with "snappy"');
    // The unread body is closed without an unheard `error` event (which would crash a process).
    await new Promise((resolve) => setTimeout(resolve, 50));
  });

  it("an error status in a coding the client does not decode: still its typed, retried error", async () => {
    const { server: own, llm: retrying } = await serverAndClient(
      { maxRetries: 1 },
      { transport: TRANSPORTS[transport] },
    );
    own.enqueue({
      type: "raw",
      status: 503,
      headers: {
        "content-type": "application/json",
        "content-encoding": "snappy",
        "retry-after": "0",
      },
      chunks: ["xx"],
    });
    own.enqueue({ type: "json", body: completionBody({ content: "after the 503" }) });
    expect((await retrying.call(hello)).content).toBe("after the 503");
    expect(own.requests).toHaveLength(2);
  });

  it("a zstd body is decoded", async () => {
    server.enqueue({
      type: "raw",
      headers: { "content-type": "application/json", "content-encoding": "zstd" },
      chunks: [zstdCompressSync(JSON.stringify(completionBody({ content: "from zstd" })))],
    });
    expect((await llm.call(hello)).content).toBe("from zstd");
  });

  it("a small compressed body that decodes past maxResponseBytes: refused while read", async () => {
    const small = bounded[transport];
    // 5 MB of JSON-looking text, about 5 KB compressed, with its compressed length declared.
    const bomb = gzipSync(`{"content":"${"a".repeat(5_000_000)}"}`);
    small.server.enqueue({
      type: "raw",
      headers: {
        "content-type": "application/json",
        "content-encoding": "gzip",
        "content-length": String(bomb.length),
      },
      chunks: [bomb],
    });
    const error = await failure(() => small.llm.call(hello));
    expect(error).toBeInstanceOf(InvalidResponseError);
    expect(error.message).toContain("over maxResponseBytes (100000)");
  });
});
