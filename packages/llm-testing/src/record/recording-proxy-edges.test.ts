// What the recording proxy does beyond passing bytes through: a key sent in the query, calls
// that overlap, a client that goes away, a server that resets before answering, and close().
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createFakeServer, type FakeServer } from "../fake-server/create-fake-server.js";
import { completionBody } from "../wire/completion-body.js";
import { completionChunk } from "../wire/completion-chunk.js";
import { createRecordingProxy } from "./create-recording-proxy.js";
import { readTranscript, transcriptReplies } from "./transcript.js";

const KEY = "AIzaSyQueryKey0123456789abcdefXYZ";

let api: FakeServer;
beforeAll(async () => {
  api = await createFakeServer();
});
beforeEach(() => api.reset());
afterAll(() => api.close());

const transcriptFile = () => join(mkdtempSync(join(tmpdir(), "loom-record-")), "t.jsonl");

const post = (url: string, body: object, init: RequestInit = {}) =>
  fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
    ...init,
  });

/** Waits until `check` holds, polling: for what happens on the far side of a connection. */
async function until(check: () => boolean, what: string): Promise<void> {
  for (const started = Date.now(); !check(); ) {
    if (Date.now() - started > 5_000) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe("a key sent in the query", () => {
  it("is `…` in the recorded path and masked wherever the server echoes it; a replay sent the real key still matches", async () => {
    const file = transcriptFile();
    const proxy = await createRecordingProxy({ target: api.baseUrl, file });
    // The server echoes the key as is, URL-encoded and in base64, in its body and a header.
    const echo = `key ${KEY}, ${encodeURIComponent(`${KEY}/`)}, ${Buffer.from(KEY).toString("base64")}`;
    api.enqueue(
      { type: "json", body: completionBody({ content: echo }), headers: { "x-echo": KEY } },
      { type: "json", body: completionBody({ content: "azure" }) },
    );
    const ask = { model: "m", messages: [{ role: "user", content: "hi" }] };
    const google = await post(`${proxy.baseUrl}/chat/completions?key=${KEY}&alt=sse`, ask);
    expect(await google.text()).toContain(KEY);
    await (
      await post(`${proxy.baseUrl}/chat/completions?api-version=1&api-key=${KEY}`, ask)
    ).text();
    // The upstream got the key: only the transcript goes without it.
    expect(api.requests[0]?.path).toBe(`/v1/chat/completions?key=${KEY}&alt=sse`);
    await proxy.close();

    const text = readFileSync(file, "utf8");
    for (const form of [KEY, encodeURIComponent(KEY), Buffer.from(KEY).toString("base64")])
      expect(text).not.toContain(form.slice(0, -2));
    const transcript = await readTranscript(file);
    expect(transcript.map((entry) => entry.request.path)).toEqual([
      "/v1/chat/completions?key=…&alt=sse",
      "/v1/chat/completions?api-version=1&api-key=…",
    ]);
    // Masked as the client masks a key: its last four characters.
    expect(transcript[0]?.response.headers["x-echo"]).toMatch(/^\S*…fXYZ$/);

    const replay = await createFakeServer({ replies: transcriptReplies(transcript) });
    try {
      const again = await post(`${replay.baseUrl}/chat/completions?key=${KEY}&alt=sse`, ask);
      expect(again.status).toBe(200);
      expect(await again.text()).toBe(transcript[0]?.response.body);
      // A masked header is replayed too, its `…` as `...` (a header carries no `…`).
      expect(again.headers.get("x-echo")).toMatch(/^\S*\.\.\.fXYZ$/);
      // Another key (or none at all offline) in its place matches as well.
      const other = await post(`${replay.baseUrl}/chat/completions?api-version=1&api-key=x`, ask);
      expect(await other.json()).toMatchObject({ choices: [{ message: { content: "azure" } }] });
    } finally {
      await replay.close();
    }
  });
});

describe("calls that overlap", () => {
  it("are recorded in the order they arrived, and a strict replay answers each its own, in any order", async () => {
    const file = transcriptFile();
    const proxy = await createRecordingProxy({ target: api.baseUrl, file });
    const said = (request: { body: unknown }) => (request.body as { say?: string }).say;
    api.when(
      { test: (r) => said(r) === "slow" },
      {
        type: "json",
        delayMs: 300,
        body: completionBody({ content: "slow answer" }),
      },
    );
    api.when(
      { test: (r) => said(r) === "fast" },
      {
        type: "json",
        body: completionBody({ content: "fast answer" }),
      },
    );
    const slow = post(`${proxy.baseUrl}/chat/completions`, { say: "slow" }).then((r) => r.json());
    await until(() => api.requests.length === 1, "the slow request");
    const fast = await post(`${proxy.baseUrl}/chat/completions`, { say: "fast" });
    await fast.json();
    // The slow one is still going: the fast one is in `entries`, but waits for it to be written.
    expect(proxy.entries.map((entry) => entry.request.body)).toEqual([{ say: "fast" }]);
    await slow;
    // Written before the client saw its end, since nothing earlier was still going.
    expect((await readTranscript(file)).map((entry) => entry.request.body)).toEqual([
      { say: "slow" },
      { say: "fast" },
    ]);
    expect(proxy.entries.map((entry) => entry.request.body)).toEqual([
      { say: "slow" },
      { say: "fast" },
    ]);
    await proxy.close();

    const transcript = await readTranscript(file);
    const replay = await createFakeServer({ replies: transcriptReplies(transcript) });
    try {
      // Arriving the other way round this time.
      const first = await post(`${replay.baseUrl}/chat/completions`, { say: "fast" });
      const second = await post(`${replay.baseUrl}/chat/completions`, { say: "slow" });
      expect(await first.json()).toMatchObject({
        choices: [{ message: { content: "fast answer" } }],
      });
      expect(await second.json()).toMatchObject({
        choices: [{ message: { content: "slow answer" } }],
      });
    } finally {
      await replay.close();
    }
    // Not strict: in order, whatever was asked.
    const loose = await createFakeServer({
      replies: transcriptReplies(transcript, { strict: false }),
    });
    try {
      const first = await post(`${loose.baseUrl}/chat/completions`, { say: "fast" });
      expect(await first.json()).toMatchObject({
        choices: [{ message: { content: "slow answer" } }],
      });
    } finally {
      await loose.close();
    }
  });
});

describe("a client that goes away mid-response", () => {
  it("cancels the upstream request, and the exchange is recorded as cut by the client", async () => {
    const file = transcriptFile();
    // A server of its own: its connection count is this exchange's alone.
    const endless = await createFakeServer({
      replies: [
        {
          type: "endless",
          event: completionChunk({ content: "more " }),
          everyMs: 10,
          forMs: 20_000,
        },
      ],
    });
    const proxy = await createRecordingProxy({ target: endless.baseUrl, file });
    const controller = new AbortController();
    const res = await post(
      `${proxy.baseUrl}/chat/completions`,
      { stream: true },
      {
        signal: controller.signal,
      },
    );
    const reader = res.body?.getReader();
    let received = "";
    while ((received.match(/more /g) ?? []).length < 3) {
      const { value } = (await reader?.read()) ?? {};
      received += Buffer.from(value ?? []).toString();
    }
    controller.abort();
    // The upstream's connection closes well before its 20 s are up.
    await until(() => proxy.entries.length === 1 && endless.openConnections === 0, "the cancel");
    const [entry] = proxy.entries;
    expect(entry?.response).toMatchObject({ status: 200, cut: true, cutBy: "client" });
    expect(entry?.response.body).toMatch(/^data: .*more /);
    const started = performance.now();
    await proxy.close();
    expect(performance.now() - started).toBeLessThan(1_000);
    expect((await readTranscript(file))[0]?.response.cutBy).toBe("client");
    await endless.close();
  });

  it("replays what came, then leaves the connection open: the replayed client leaves its own way", async () => {
    const replay = await createFakeServer({
      replies: transcriptReplies([
        {
          request: { method: "POST", path: "/v1/chat/completions", headers: {}, body: {} },
          response: {
            status: 200,
            headers: { "content-type": "text/event-stream" },
            body: `data: ${JSON.stringify(completionChunk({ content: "more " }))}\n\n`,
            cut: true,
            cutBy: "client",
          },
        },
      ]),
    });
    const res = await post(`${replay.baseUrl}/chat/completions`, {});
    const reader = res.body?.getReader();
    const first = await reader?.read();
    expect(Buffer.from(first?.value ?? []).toString()).toContain("more ");
    // Nothing more comes, and no reset either: the read is still pending when the client leaves.
    const next = reader?.read();
    const outcome = await Promise.race([
      next?.then(
        () => "read",
        () => "failed",
      ),
      new Promise((resolve) => setTimeout(() => resolve("still open"), 300)),
    ]);
    expect(outcome).toBe("still open");
    await reader?.cancel();
    await replay.close();
  });

  it("close() ends exchanges still going, recorded as cut by the proxy, instead of waiting for them", async () => {
    const file = transcriptFile();
    const proxy = await createRecordingProxy({ target: api.baseUrl, file });
    api.enqueue(
      { type: "endless", event: completionChunk({ content: "on " }), everyMs: 10, forMs: 60_000 },
      { type: "hang" },
    );
    const streaming = await post(`${proxy.baseUrl}/chat/completions`, { n: 1 });
    const reading = streaming.text().then(
      () => "whole",
      () => "cut",
    );
    const waiting = post(`${proxy.baseUrl}/chat/completions`, { n: 2 }).then(
      () => "answered",
      () => "cut",
    );
    await until(() => api.requests.length === 2, "both requests upstream");
    const started = performance.now();
    await proxy.close();
    expect(performance.now() - started).toBeLessThan(2_000);
    expect([await reading, await waiting]).toEqual(["cut", "cut"]);
    const transcript = await readTranscript(file);
    expect(transcript.map((entry) => entry.request.body)).toEqual([{ n: 1 }, { n: 2 }]);
    expect(transcript[0]?.response).toMatchObject({ status: 200, cut: true, cutBy: "proxy" });
    expect(transcript[0]?.response.body).toMatch(/^data: /);
    expect(transcript[1]?.response).toEqual({
      status: 0,
      headers: {},
      body: "",
      cut: true,
      cutBy: "proxy",
    });
  });
});

describe("headers of the client's own connection", () => {
  it.each([
    ["expect: 100-continue", { expect: "100-continue", "content-type": "application/json" }],
    [
      "transfer-encoding: chunked",
      { "transfer-encoding": "chunked", "content-type": "application/json" },
    ],
  ])(
    "%s: the request is forwarded, and the header neither sent on nor recorded",
    async (_, headers) => {
      const proxy = await createRecordingProxy({ target: api.baseUrl });
      api.enqueue({ type: "json", body: completionBody({ content: "forwarded" }) });
      const { request } = await import("node:http");
      const url = new URL(`${proxy.baseUrl}/chat/completions`);
      const answer = await new Promise<{ status: number; body: string }>((resolve, reject) => {
        const req = request(url, { method: "POST", headers }, (res) => {
          let body = "";
          res.on("data", (chunk: Buffer) => {
            body += chunk.toString();
          });
          res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
        });
        req.on("error", reject);
        // Sent at once: a server that never answers 100 Continue gets the body all the same.
        req.end(JSON.stringify({ model: "m", messages: [] }));
      });
      expect(answer.status).toBe(200);
      expect(answer.body).toContain("forwarded");
      expect(api.lastJson()).toEqual({ model: "m", messages: [] });
      expect(api.lastRequest?.headers.expect).toBeUndefined();
      await proxy.close();
      const [entry] = proxy.entries;
      expect(entry?.response.status).toBe(200);
      expect(entry?.request.headers).not.toHaveProperty("expect");
      expect(entry?.request.headers).not.toHaveProperty("transfer-encoding");
    },
  );
});

describe("a server that closes the connection before answering", () => {
  it("closes the client's too (no 502 of the proxy's), is recorded, and replays the same", async () => {
    const file = transcriptFile();
    const proxy = await createRecordingProxy({ target: api.baseUrl, file });
    api.enqueue({ type: "reset" });
    const failure = await post(`${proxy.baseUrl}/chat/completions`, { n: 1 }).then(
      (res) => `HTTP ${res.status}`,
      (error: unknown) => String((error as Error).cause ?? error),
    );
    expect(failure).toMatch(/other side closed|socket|reset/i);
    await proxy.close();
    const transcript = await readTranscript(file);
    expect(transcript).toEqual([
      {
        request: {
          method: "POST",
          path: "/v1/chat/completions",
          headers: expect.any(Object),
          body: { n: 1 },
        },
        response: { status: 0, headers: {}, body: "", cut: true, cutBy: "server" },
      },
    ]);
    const replay = await createFakeServer({ replies: transcriptReplies(transcript) });
    try {
      await expect(post(`${replay.baseUrl}/chat/completions`, { n: 1 })).rejects.toThrow();
    } finally {
      await replay.close();
    }
  });

  it("a target that cannot be reached is still the proxy's 502, not recorded", async () => {
    const gone = await createFakeServer();
    const target = gone.baseUrl;
    await gone.close();
    const proxy = await createRecordingProxy({ target });
    try {
      const res = await post(`${proxy.baseUrl}/chat/completions`, {});
      expect(res.status).toBe(502);
      expect(await res.text()).toContain("recording proxy:");
      expect(proxy.entries).toEqual([]);
    } finally {
      await proxy.close();
    }
  });
});
