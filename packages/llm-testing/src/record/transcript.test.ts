import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { createFakeServer } from "../fake-server/create-fake-server.js";
import { completionBody } from "../wire/completion-body.js";
import { readTranscript, type TranscriptEntry, transcriptReplies } from "./transcript.js";

const ask = { model: "m", messages: [{ role: "user", content: "hi" }] };
const entry = (content: string, path = "/v1/chat/completions"): TranscriptEntry => ({
  request: { method: "POST", path, headers: {}, body: ask },
  response: {
    status: 200,
    headers: { "content-type": "application/json" },
    body: JSON.stringify(completionBody({ content })),
  },
});

const post = (url: string, body: object = ask) =>
  fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });

describe("replaying a transcript", () => {
  it("past its end: a 500 that says so, which no client retries", async () => {
    const replay = await createFakeServer({ replies: transcriptReplies([entry("one")]) });
    try {
      expect((await post(`${replay.baseUrl}/chat/completions`)).status).toBe(200);
      const past = await post(`${replay.baseUrl}/chat/completions`);
      expect(past.status).toBe(500);
      expect(past.headers.get("x-should-retry")).toBe("false");
      expect(await past.json()).toMatchObject({
        error: {
          message: "replay: request #2 but the transcript has 1 exchange",
          type: "replay_exhausted",
        },
      });
    } finally {
      await replay.close();
    }
  });

  it("a strict replay refuses a request to another path, saying which exchange was next", async () => {
    const replay = await createFakeServer({ replies: transcriptReplies([entry("one")]) });
    try {
      const res = await post(`${replay.baseUrl}/responses`);
      expect(res.status).toBe(400);
      const { error } = (await res.json()) as { error: { message: string } };
      expect(error.message).toContain("request #1 differs from the transcript");
      expect(error.message).toContain("Next unused (#1): recorded POST /v1/chat/completions");
      expect(error.message).toContain("received POST /v1/responses");
    } finally {
      await replay.close();
    }
  });

  it("a request that matches no exchange takes none: the exchanges after it still answer theirs", async () => {
    const other = { model: "m", messages: [{ role: "user", content: "something else" }] };
    const two = [
      entry("one"),
      { ...entry("two"), request: { ...entry("two").request, body: other } },
    ];
    const replay = await createFakeServer({ replies: transcriptReplies(two) });
    try {
      const stray = await post(`${replay.baseUrl}/chat/completions`, { model: "m", messages: [] });
      expect(stray.status).toBe(400);
      const first = await post(`${replay.baseUrl}/chat/completions`);
      expect(
        ((await first.json()) as { choices: { message: { content: string } }[] }).choices[0]
          ?.message.content,
      ).toBe("one");
      const second = await post(`${replay.baseUrl}/chat/completions`, other);
      expect(second.status).toBe(200);
      expect(
        ((await second.json()) as { choices: { message: { content: string } }[] }).choices[0]
          ?.message.content,
      ).toBe("two");
      // Then, every exchange used: past the end.
      expect((await post(`${replay.baseUrl}/chat/completions`)).status).toBe(500);
    } finally {
      await replay.close();
    }
  });

  it("a transcript written before query keys were masked still matches, its key unsent", async () => {
    const KEY = "AIzaSyOldTranscript0123456789";
    const replay = await createFakeServer({
      replies: transcriptReplies([entry("old", `/v1/chat/completions?key=${KEY}`)]),
    });
    try {
      const res = await post(`${replay.baseUrl}/chat/completions?key=another-key-0123456789`);
      expect(res.status).toBe(200);
      const { error } = await post(`${replay.baseUrl}/chat/completions`).then(
        (r) => r.json() as Promise<{ error: { message: string } }>,
      );
      expect(error.message).not.toContain(KEY);
    } finally {
      await replay.close();
    }
  });
});

describe("a malformed transcript", () => {
  const edited = {
    ...entry("edited"),
    response: { status: 200, headers: {}, body: completionBody({ content: "edited" }) },
  };

  it("readTranscript refuses a line whose body is not a string, naming the file, the line and the field", async () => {
    const file = join(mkdtempSync(join(tmpdir(), "loom-transcript-")), "edited.jsonl");
    writeFileSync(file, `${JSON.stringify(entry("fine"))}\n\n${JSON.stringify(edited)}\n`);
    await expect(readTranscript(file)).rejects.toThrow(
      `${file}:3: not a transcript entry: "response.body" is an object, not a string`,
    );
  });

  it.each([
    [{ response: entry("x").response }, '"request" is missing'],
    [{ ...entry("x"), request: { ...entry("x").request, path: 1 } }, '"request.path" is number 1'],
    [{ ...entry("x"), response: { ...entry("x").response, status: "200" } }, '"response.status"'],
    [
      { ...entry("x"), response: { ...entry("x").response, headers: { a: 1 } } },
      '"response.headers"',
    ],
    [{ ...entry("x"), response: { ...entry("x").response, cutBy: "nobody" } }, '"response.cutBy"'],
  ])("transcriptReplies refuses %j, naming the entry and the field", (bad, field) => {
    expect(() => transcriptReplies([entry("fine"), bad as TranscriptEntry])).toThrow(
      `transcript entry #2 is not a transcript entry: ${field}`,
    );
  });

  it("transcriptReplies refuses a response body that is not a string", () => {
    expect(() => transcriptReplies([edited as unknown as TranscriptEntry])).toThrow(
      'transcript entry #1 is not a transcript entry: "response.body" is an object, not a string',
    );
  });
});
