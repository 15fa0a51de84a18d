import { completionChunk } from "@loom/llm-testing";
import { InvalidResponseError } from "@loom/llm-types";
import { describe, expect, it } from "vitest";
import { ChatClient } from "../chat-client.js";
import { data, failure, hello, raw, serverAndClient, texts } from "../test-support.fixture.js";

const { server, llm } = await serverAndClient();

describe("SSE framing (wire.md)", () => {
  const a = completionChunk({ content: "a" });
  const b = completionChunk({ content: "b" });
  const stop = completionChunk({}, { finishReason: "stop" });

  it.each([
    ["LF", "\n"],
    ["CRLF", "\r\n"],
    ["CR", "\r"],
  ])("lines ending in %s", async (_name, eol) => {
    const body =
      [a, b, stop].map((c) => `data: ${JSON.stringify(c)}${eol}${eol}`).join("") +
      `data: [DONE]${eol}${eol}`;
    server.enqueue(raw(body));
    expect(await texts(llm)).toEqual(["a", "b"]);
  });

  it("one read of many events (decoded a slice at a time until the first item): every item, in order, wherever the slice cuts", async () => {
    // A CRLF and a four-byte character at each offset around the 4 KB slice's edge.
    for (let shift = 0; shift < 8; shift++) {
      const pieces = Array.from({ length: 300 }, (_, i) => (i % 7 === 3 ? `🦊${i}` : `t${i}`));
      const padding = "x".repeat(4_000 - 60 + shift);
      const pad = completionChunk({ content: padding });
      const body = Buffer.from(
        [pad, ...pieces.map((content) => completionChunk({ content }))]
          .map((c) => `data: ${JSON.stringify(c)}\r\n\r\n`)
          .join("") + "data: [DONE]\r\n\r\n",
      );
      server.enqueue(raw(body));
      expect(await texts(llm)).toEqual([padding, ...pieces]);
    }
  });

  it("CRLF split between \\r and \\n across TCP writes", async () => {
    server.enqueue(
      raw(
        `data: ${JSON.stringify(a)}\r`,
        { delayMs: 15 },
        `\n\r\ndata: ${JSON.stringify(stop)}\r\n\r\ndata: [DONE]\r\n\r\n`,
      ),
    );
    expect(await texts(llm)).toEqual(["a"]);
  });

  it("a multi-byte UTF-8 character split across TCP writes arrives intact", async () => {
    const bytes = Buffer.from(data(completionChunk({ content: "héllo 世界 🦊" })));
    const cut = bytes.indexOf(Buffer.from("界")) + 1;
    const fox = bytes.indexOf(Buffer.from("🦊")) + 2;
    server.enqueue(
      raw(
        bytes.subarray(0, cut),
        { delayMs: 15 },
        bytes.subarray(cut, fox),
        { delayMs: 15 },
        bytes.subarray(fox),
        data(stop),
        "data: [DONE]\n\n",
      ),
    );
    expect((await texts(llm)).join("")).toBe("héllo 世界 🦊");
  });

  it("comments and keep-alives are ignored", async () => {
    server.enqueue(
      raw(
        ": keep-alive\n\n",
        data(a),
        ":\n\n",
        ": OPENROUTER PROCESSING\n\n",
        data(stop),
        "data: [DONE]\n\n",
      ),
    );
    expect(await texts(llm)).toEqual(["a"]);
  });

  it("data: with or without the space", async () => {
    server.enqueue(
      raw(
        `data:${JSON.stringify(a)}\n\n`,
        `data: ${JSON.stringify(b)}\n\n`,
        `data:${JSON.stringify(stop)}\n\ndata:[DONE]\n\n`,
      ),
    );
    expect(await texts(llm)).toEqual(["a", "b"]);
  });

  it("an event with several data lines is joined with \\n", async () => {
    const json = JSON.stringify(completionChunk({ content: "joined" }), null, 1).split("\n");
    server.enqueue(
      raw(`${json.map((line) => `data: ${line}`).join("\n")}\n\n`, data(stop), "data: [DONE]\n\n"),
    );
    expect(await texts(llm)).toEqual(["joined"]);
  });

  it("unknown fields (event:, id:, retry:) are ignored", async () => {
    server.enqueue(
      raw(`id: 1\nretry: 100\nevent: message\n${data(a)}`, data(stop), "data: [DONE]\n\n"),
    );
    expect(await texts(llm)).toEqual(["a"]);
  });

  it("[DONE] without a trailing blank line (llama.cpp) ends the stream", async () => {
    server.enqueue(raw(data(a), data(stop), "data: [DONE]"));
    const stream = llm.stream(hello);
    const pieces: string[] = [];
    for await (const piece of stream) pieces.push(piece);
    expect(pieces).toEqual(["a"]);
    expect((await stream.response()).finishReason).toBe("stop");
  });

  it("a finish reason then the end of the body, without [DONE], is complete", async () => {
    server.enqueue(raw(data(a), data(stop)));
    expect((await llm.stream(hello).response()).content).toBe("a");
  });

  it("[DONE] stops reading even when the server keeps the connection open", async () => {
    server.enqueue({ type: "sse", events: [a, stop], end: "hang" });
    const started = performance.now();
    const response = await llm.stream(hello).response();
    expect(response.content).toBe("a");
    expect(performance.now() - started).toBeLessThan(500);
  });

  it("a stream that ends before any finish reason or [DONE] is truncated: InvalidResponseError", async () => {
    server.enqueue(raw(data(a), data(b)));
    const stream = llm.stream(hello);
    const pieces: string[] = [];
    const error = await failure(async () => {
      for await (const piece of stream) pieces.push(piece);
    });
    expect(pieces).toEqual(["a", "b"]);
    expect(error).toBeInstanceOf(InvalidResponseError);
    expect(error.message).toContain("ended before the model finished");
    await expect(stream.response()).rejects.toBe(error);
  });

  it("a data line that is not JSON: InvalidResponseError naming it, truncated", async () => {
    server.enqueue(raw(data(a), `data: {"choices": [oops${"x".repeat(1000)}\n\n`));
    const error = await failure(() => texts(llm));
    expect(error).toBeInstanceOf(InvalidResponseError);
    expect(error.message).toContain('not JSON: {"choices": [oops');
    expect(error.message.length).toBeLessThan(500);
    expect((error as InvalidResponseError).raw?.length).toBeLessThan(600);
  });

  it("a single event over maxResponseBytes: InvalidResponseError", async () => {
    const small = new ChatClient(
      {},
      { baseUrl: server.baseUrl, model: "m", maxResponseBytes: 2048 },
    );
    server.enqueue(raw(data(completionChunk({ content: "x".repeat(4096) }))));
    const error = await failure(() => texts(small));
    expect(error).toBeInstanceOf(InvalidResponseError);
    expect(error.message).toContain("maxResponseBytes (2048)");
    await small.close();
  });
});
