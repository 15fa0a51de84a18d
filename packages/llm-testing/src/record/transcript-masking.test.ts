// What a transcript may hold of the credentials a request carried: nothing, in any form a
// hostile server can echo them in (as is, URL-encoded, base64, hex, JSON escapes, split across a
// stream's events, in a header), recorded through the proxy from the fake server's echoes.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createFakeServer, type FakeServer } from "../fake-server/create-fake-server.js";
import type { FakeReply } from "../fake-server/fake-reply.js";
import { ECHO_ENCODINGS, type EchoEncoding, undisguiseEcho } from "../hostile/echo-encoding.js";
import { hostile } from "../hostile/hostile.js";
import { MESSAGES_ECHO_PLACES } from "../hostile/messages-echo.js";
import { RESPONSES_ECHO_PLACES } from "../hostile/responses-echo.js";
import { messageStream } from "../wire/anthropic/message-stream.js";
import { completionBody } from "../wire/completion-body.js";
import { createRecordingProxy } from "./create-recording-proxy.js";
import { type TranscriptEntry, transcriptReplies } from "./transcript.js";

const KEY = "sk-ant-record-0123456789abcdef";

let api: FakeServer;
beforeAll(async () => {
  api = await createFakeServer();
});
afterAll(() => api.close());

async function post(root: string, path: string, headers: Record<string, string>, body: object) {
  const res = await fetch(`${root}${path}`, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: JSON.stringify(body),
  });
  return res.text();
}

/**
 * Every text a transcript entry holds, as a client reading it would put it together: each JSON
 * string, and for a stream the strings of each field across its events joined, in order.
 */
function texts(entry: TranscriptEntry): string[] {
  const out: string[] = [JSON.stringify(entry.request), JSON.stringify(entry.response.headers)];
  const joined = new Map<string, string>();
  const collect = (value: unknown, path: string): void => {
    if (typeof value === "string") joined.set(path, (joined.get(path) ?? "") + value);
    else if (Array.isArray(value)) for (const item of value) collect(item, `${path}[]`);
    else if (typeof value === "object" && value !== null) {
      const o = value as Record<string, unknown>;
      const id = ["index", "output_index", "content_index", "item_id"]
        .map((f) => String(o[f] ?? ""))
        .join(",");
      for (const [key, item] of Object.entries(o)) collect(item, `${path}{${id}}.${key}`);
    }
  };
  const body = entry.response.body;
  out.push(body);
  for (const line of body.split("\n")) {
    const data = /^data: ?(.*)$/.exec(line.replace(/\r$/, ""))?.[1];
    if (data === undefined) continue;
    try {
      collect(JSON.parse(data), "");
    } catch {
      out.push(data);
    }
  }
  try {
    collect(JSON.parse(body), "body");
  } catch {
    // A stream: read above.
  }
  out.push(...joined.values());
  return out;
}

/** Whether `text` holds the key, as is or disguised as `encoding` in a hostile echo. */
function holdsKey(text: string, encoding: EchoEncoding): boolean {
  if (text.includes(KEY)) return true;
  if (!text.includes("headers: ")) return false;
  try {
    return undisguiseEcho(text, encoding).includes(KEY);
  } catch {
    return false;
  }
}

describe("a transcript holds no credential, whatever the server echoes", () => {
  it.each(ECHO_ENCODINGS)(
    "echoed %s, in every place of Messages and Responses, streamed or not",
    async (encoding) => {
      const proxy = await createRecordingProxy({ target: api.url });
      try {
        type Case = [path: string, headers: Record<string, string>, reply: () => FakeReply];
        const openai = { authorization: `Bearer ${KEY}` };
        const cases: Case[] = [
          ["/v1/chat/completions", openai, () => hostile.echoHeaders(encoding)],
          ...MESSAGES_ECHO_PLACES.map(
            (place): Case => [
              "/v1/messages",
              { "x-api-key": KEY },
              () => hostile.messagesEcho(place, encoding),
            ],
          ),
          ...RESPONSES_ECHO_PLACES.map(
            (place): Case => [
              "/v1/responses",
              openai,
              () => hostile.responsesEcho(place, encoding),
            ],
          ),
        ];
        let echoed = 0;
        for (const [path, headers, reply] of cases)
          for (const stream of [false, true]) {
            api.enqueue(reply());
            const answer = await post(proxy.baseUrl, path, headers, { model: "m", stream });
            // The echo reached the client, disguised: the check below proves something.
            if (answer.includes("headers") || answer.includes("\\u0068")) echoed++;
          }
        expect(echoed).toBeGreaterThan(cases.length);
        for (const entry of proxy.entries)
          for (const text of texts(entry))
            expect(holdsKey(text, encoding), text.slice(0, 200)).toBe(false);
      } finally {
        await proxy.close();
      }
    },
  );

  it("a key split across a stream's events: masked in the joined text, other fields byte for byte", async () => {
    const proxy = await createRecordingProxy({ target: api.url });
    try {
      const said = `you sent Bearer ${KEY}`;
      api.enqueue(
        messageStream({
          text: [said.slice(0, 21), said.slice(21), " and more"],
          thinking: [{ text: ["all ", "fine"], signature: "sig" }],
        }),
      );
      await post(
        proxy.baseUrl,
        "/v1/messages",
        { authorization: `Bearer ${KEY}` },
        { stream: true },
      );
      const [entry] = proxy.entries;
      const body = entry?.response.body ?? "";
      const text = [...body.matchAll(/"text_delta","text":"([^"]*)"/g)].map((m) => m[1]).join("");
      expect(text).not.toContain(KEY);
      expect(text).toMatch(/^you sent .*…cdef and more$/);
      // The thinking field held no secret: its events are as they came.
      expect(body).toContain('"thinking":"all "');
      expect(body).toContain('"thinking":"fine"');
    } finally {
      await proxy.close();
    }
  });

  it("a key split across data lines that are no JSON, and a key as a property name: masked", async () => {
    const proxy = await createRecordingProxy({ target: api.url });
    try {
      api.enqueue({
        type: "raw",
        headers: { "content-type": "text/event-stream" },
        chunks: [
          `data: ${KEY.slice(0, 12)}\n\n`,
          `data: ${KEY.slice(12)}\n\n`,
          `data: ${JSON.stringify({ [`k${KEY}`]: 1, nested: [{ [KEY]: "v" }] })}\n\n`,
          "data: [DONE]\n\n",
        ],
      });
      await post(proxy.baseUrl, "/v1/chat/completions", { authorization: `Bearer ${KEY}` }, {});
      const body = proxy.entries[0]?.response.body ?? "";
      const dataTexts = [...body.matchAll(/^data: (.*)$/gm)].map((m) => m[1]).join("");
      expect(dataTexts).not.toContain(KEY.slice(4, 20));
      expect(body).not.toContain(KEY.slice(12));
      expect(body).toContain("[DONE]");
      expect(body).toContain('"nested":[{');
    } finally {
      await proxy.close();
    }
  });

  it("a key in a response header, or in a credential header of the request's own name", async () => {
    const proxy = await createRecordingProxy({ target: api.url });
    try {
      api.enqueue({
        type: "json",
        body: completionBody(),
        headers: { "x-debug-auth": `Bearer ${KEY}`, "x-echo": "tok-0123456789-custom" },
      });
      await post(
        proxy.baseUrl,
        "/v1/chat/completions",
        { authorization: `Bearer ${KEY}`, "x-custom-token": "tok-0123456789-custom" },
        {},
      );
      const printed = JSON.stringify(proxy.entries);
      expect(printed).not.toContain(KEY);
      expect(printed).not.toContain("tok-0123456789-custom");
      expect(proxy.entries[0]?.request.headers["x-custom-token"]).toBeUndefined();
    } finally {
      await proxy.close();
    }
  });
});

describe("a server that breaks off mid-body", () => {
  it("is cut for the client too, recorded as cut, and replayed as cut", async () => {
    const proxy = await createRecordingProxy({ target: api.url });
    try {
      api.enqueue({
        type: "raw",
        headers: { "content-type": "text/event-stream" },
        // The reset after a pause: one sent at once could discard the bytes before them.
        chunks: ['data: {"choices":[{"delta":{"content":"Hel"}}]}\n\n', { delayMs: 100 }],
        end: "reset",
      });
      const through = await fetch(`${proxy.baseUrl}/chat/completions`, {
        method: "POST",
        body: "{}",
      }).then((res) => res.text());
      throw new Error(`expected the body to fail, got ${JSON.stringify(through)}`);
    } catch (error) {
      // Not a body that ends normally with the proxy's own words in it.
      expect(String(error)).not.toContain("expected the body to fail");
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
    const [entry] = proxy.entries;
    expect(entry?.response.cut).toBe(true);
    expect(entry?.response.body).toBe('data: {"choices":[{"delta":{"content":"Hel"}}]}\n\n');
    await proxy.close();
    const replay = await createFakeServer({
      replies: transcriptReplies(proxy.entries, { strict: false }),
    });
    try {
      const replayed = await fetch(`${replay.baseUrl}/chat/completions`, {
        method: "POST",
        body: "{}",
      }).then(
        (res) =>
          res.text().then(
            () => "whole",
            () => "cut",
          ),
        () => "cut",
      );
      expect(replayed).toBe("cut");
    } finally {
      await replay.close();
    }
  });
});
