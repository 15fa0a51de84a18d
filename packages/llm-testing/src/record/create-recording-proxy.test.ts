import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createFakeServer, type FakeServer } from "../fake-server/create-fake-server.js";
import type { FakeReply } from "../fake-server/fake-reply.js";
import { anthropicError } from "../wire/anthropic/anthropic-error.js";
import { messageBody } from "../wire/anthropic/message-body.js";
import { messageStream } from "../wire/anthropic/message-stream.js";
import { responseBody } from "../wire/responses/response-body.js";
import { responseStream } from "../wire/responses/response-stream.js";
import { createRecordingProxy } from "./create-recording-proxy.js";
import { readTranscript, transcriptReplies } from "./transcript.js";

const KEY = "sk-ant-record-0123456789abcdef";

interface Exchange {
  /** The request path under the server's root. */
  path: string;
  headers: Record<string, string>;
  body: object;
  reply: FakeReply;
}

/** One POST: status, the headers that matter here, and the body bytes as they came. */
async function post(root: string, exchange: Exchange) {
  const res = await fetch(`${root}${exchange.path}`, {
    method: "POST",
    headers: { "content-type": "application/json", ...exchange.headers },
    body: JSON.stringify(exchange.body),
  });
  return {
    status: res.status,
    type: res.headers.get("content-type"),
    retryAfter: res.headers.get("retry-after"),
    bytes: Buffer.from(await res.arrayBuffer()),
  };
}

const everything = {
  thinking: [{ text: ["Let ", "me see."], signature: "EqQBCgIYAhIM" }],
  text: ["Città ", "☀ ", "🌧"],
  toolCalls: [{ name: "get_weather", arguments: { city: "Città" } }],
};
const anthropic = { "x-api-key": KEY, "anthropic-version": "2023-06-01" };
const openai = { authorization: `Bearer ${KEY}` };
const exchanges: Exchange[] = [
  {
    path: "/v1/messages",
    headers: anthropic,
    body: { n: 1 },
    reply: { type: "json", body: messageBody(everything) },
  },
  {
    path: "/v1/messages",
    headers: anthropic,
    body: { n: 2, stream: true },
    reply: messageStream(everything),
  },
  {
    path: "/v1/messages",
    headers: anthropic,
    body: { n: 3 },
    reply: anthropicError(429, "rate_limit_error", `slow down, ${KEY}`, { retryAfterSeconds: 3 }),
  },
  {
    path: "/v1/messages",
    headers: anthropic,
    body: { n: 4, stream: true },
    reply: messageStream({
      text: ["par"],
      error: { type: "overloaded_error", message: "Overloaded" },
    }),
  },
  {
    path: "/v1/responses",
    headers: openai,
    body: { n: 5 },
    reply: { type: "json", body: responseBody(everything) },
  },
  {
    path: "/v1/responses",
    headers: openai,
    body: { n: 6, stream: true },
    reply: responseStream(everything),
  },
  {
    path: "/v1/responses",
    headers: openai,
    body: { n: 7, stream: true },
    reply: responseStream({ text: ["a"], failure: { message: "The server had an error" } }),
  },
  {
    // A multi-byte character split across two writes: the transcript must not mangle it.
    path: "/v1/messages",
    headers: anthropic,
    body: { n: 8, stream: true },
    reply: {
      type: "raw",
      chunks: [
        Buffer.from('event: content_block_delta\ndata: {"text":"☀').subarray(0, -1),
        Buffer.from("☀").subarray(2),
        '"}\n\n',
      ],
    },
  },
];

let api: FakeServer;
beforeAll(async () => {
  api = await createFakeServer();
});
afterAll(() => api.close());

describe("recording and replaying Anthropic Messages and OpenAI Responses exchanges", () => {
  it("the proxy passes every byte through, the transcript holds them, the replay sends them again", async () => {
    // What the API sends when asked directly: the reference bytes.
    const direct = [];
    for (const exchange of exchanges) {
      api.enqueue(exchange.reply);
      direct.push(await post(api.url, exchange));
    }
    const file = join(mkdtempSync(join(tmpdir(), "loom-record-")), "native.jsonl");
    const proxy = await createRecordingProxy({ target: api.url, file });
    const proxied = [];
    for (const exchange of exchanges) {
      api.enqueue(exchange.reply);
      proxied.push(await post(proxy.baseUrl, exchange));
    }
    await proxy.close();

    for (const [i, answer] of proxied.entries()) {
      // The key the 429 echoed is masked in the transcript only, not on its way to the client.
      expect(answer.bytes.equals(direct[i]?.bytes ?? Buffer.alloc(0))).toBe(true);
      expect(answer.status).toBe(direct[i]?.status);
    }
    const text = readFileSync(file, "utf8");
    expect(text).not.toContain(KEY);
    expect(text).not.toMatch(/x-api-key|authorization/i);
    const transcript = await readTranscript(file);
    expect(transcript.map((entry) => entry.request.path)).toEqual(exchanges.map((e) => e.path));
    expect(transcript.map((entry) => entry.request.body)).toEqual(exchanges.map((e) => e.body));
    expect(transcript[1]?.request.headers["anthropic-version"]).toBe("2023-06-01");
    expect(transcript[2]?.response.headers["retry-after"]).toBe("3");
    expect(transcript[2]?.response.headers["anthropic-ratelimit-requests-remaining"]).toBe("0");
    // Masked as the client masks a key: its start and its last four characters.
    expect(transcript[2]?.response.body).toContain("slow down, sk-ant-…cdef");
    for (const i of [1, 3, 5, 6]) {
      expect(transcript[i]?.response.headers["content-type"]).toBe("text/event-stream");
      expect(transcript[i]?.response.body).toMatch(/^event: \w/);
      expect(transcript[i]?.response.body).not.toContain("[DONE]");
    }
    expect(transcript[7]?.response.body).toBe('event: content_block_delta\ndata: {"text":"☀"}\n\n');

    const replay = await createFakeServer({ replies: transcriptReplies(transcript) });
    try {
      for (const [i, exchange] of exchanges.entries()) {
        const again = await post(replay.url, exchange);
        const recorded = Buffer.from(transcript[i]?.response.body ?? "");
        expect(again.bytes.equals(recorded)).toBe(true);
        expect([again.status, again.type]).toEqual([direct[i]?.status, direct[i]?.type]);
        if (i !== 2) expect(again.bytes.equals(direct[i]?.bytes ?? Buffer.alloc(0))).toBe(true);
      }
      const replayed429 = await post(replay.url, exchanges[2] as Exchange).catch(() => undefined);
      // The queue is used up: a 500 that says so, not a stale answer.
      expect(replayed429?.status).toBe(500);
    } finally {
      await replay.close();
    }
  });

  it("a strict replay refuses a Messages request that differs, in a body Anthropic clients read", async () => {
    const replay = await createFakeServer({
      replies: transcriptReplies([
        {
          request: { method: "POST", path: "/v1/messages", headers: {}, body: { model: "a" } },
          response: { status: 200, headers: { "content-type": "application/json" }, body: "{}" },
        },
      ]),
    });
    try {
      const answer = await post(replay.url, {
        path: "/v1/messages",
        headers: {},
        body: { model: "b" },
        reply: { type: "hang" },
      });
      expect(answer.status).toBe(400);
      const error = JSON.parse(answer.bytes.toString()) as {
        error: { type: string; message: string };
      };
      expect(error.error.type).toBe("replay_mismatch");
      expect(error.error.message).toContain("request #1 differs from the transcript");
    } finally {
      await replay.close();
    }
  });
});
