import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ChatClient, ConnectionError } from "@loom/llm-core";
import {
  completionBody,
  createFakeServer,
  createRecordingProxy,
  providerCompletion,
  providerStream,
  readTranscript,
  transcriptReplies,
} from "@loom/llm-testing";
import { describe, expect, it } from "vitest";

const KEY = "sk-record-0123456789abcdefghij";

describe("record and replay", () => {
  it("records through a proxy, replays offline, and gets identical responses; the transcript holds no key", async () => {
    // The "real provider": a fake server that checks the key and echoes it in an error, as some do.
    const provider = await createFakeServer();
    provider.enqueue(
      providerCompletion("deepseek", { text: ["Paris is the capital."], reasoning: ["Easy."] }),
      providerStream("deepseek", {
        text: ["Lyon ", "is second."],
        toolCalls: [{ name: "lookup", arguments: { q: "lyon" } }],
      }),
      {
        type: "error",
        status: 401,
        body: {
          error: { message: `Incorrect API key provided: ${KEY}`, type: "authentication_error" },
        },
      },
    );
    const file = join(mkdtempSync(join(tmpdir(), "loom-transcript-")), "deepseek.jsonl");
    const proxy = await createRecordingProxy({ target: provider.baseUrl, file });
    const live = new ChatClient(
      {},
      { baseUrl: proxy.baseUrl, model: "deepseek-chat", apiKey: KEY, maxRetries: 0 },
    );
    const ask = (content: string) => ({ messages: [{ role: "user" as const, content }] });
    const recorded = [
      await live.call(ask("Capital of France?")),
      await live.stream(ask("Second city?")).response(),
      await live.call(ask("again")).catch((e: unknown) => e),
    ];
    await live.close();
    await proxy.close();
    expect(provider.requests[0]?.headers.authorization).toBe(`Bearer ${KEY}`);
    await provider.close();

    const text = readFileSync(file, "utf8");
    expect(text).not.toContain(KEY);
    expect(text).not.toMatch(/authorization/i);
    const transcript = await readTranscript(file);
    expect(transcript).toHaveLength(3);
    expect(transcript[0]?.request).toMatchObject({
      method: "POST",
      path: "/v1/chat/completions",
      body: { model: "deepseek-chat" },
    });
    expect(transcript[1]?.response.body).toContain("data: [DONE]");

    const replay = await createFakeServer({ replies: transcriptReplies(transcript) });
    const offline = new ChatClient(
      {},
      { baseUrl: replay.baseUrl, model: "deepseek-chat", maxRetries: 0 },
    );
    const replayed = [
      await offline.call(ask("Capital of France?")),
      await offline.stream(ask("Second city?")).response(),
      await offline.call(ask("again")).catch((e: unknown) => e),
    ];
    expect(replayed[0]).toEqual(recorded[0]);
    expect(replayed[1]).toEqual(recorded[1]);
    // The error replays too, with the key the server echoed masked in the transcript.
    expect((replayed[2] as Error).name).toBe("AuthenticationError");
    expect((recorded[2] as Error).name).toBe("AuthenticationError");
    // Masked as the client masks a key: its start, an ellipsis, its last four characters.
    expect((replayed[2] as Error).message).toMatch(/Incorrect API key provided: \S*…\S{4}/);
    expect((replayed[2] as Error).message).not.toContain(KEY);
    await offline.close();
    await replay.close();
  });

  it("a strict replay refuses a request that differs from the recording", async () => {
    const replay = await createFakeServer({
      replies: transcriptReplies([
        {
          request: {
            method: "POST",
            path: "/v1/chat/completions",
            headers: {},
            body: { model: "m", messages: [] },
          },
          response: { status: 200, headers: { "content-type": "application/json" }, body: "{}" },
        },
      ]),
    });
    const llm = new ChatClient({}, { baseUrl: replay.baseUrl, model: "other", maxRetries: 0 });
    await expect(llm.call({ messages: [] })).rejects.toThrow(
      /request #1 differs from the transcript/,
    );
    await llm.close();
    await replay.close();
  });

  it("a key in the base URL's query stays out of the transcript, and the replay matches with it", async () => {
    const queryKey = "AIzaSyIntegration0123456789abcdef";
    const provider = await createFakeServer({
      fallback: { type: "json", body: completionBody({ content: "ok" }) },
    });
    const file = join(mkdtempSync(join(tmpdir(), "loom-transcript-")), "google.jsonl");
    const proxy = await createRecordingProxy({ target: provider.baseUrl, file });
    const live = new ChatClient(
      {},
      { baseUrl: `${proxy.baseUrl}?key=${queryKey}`, model: "m", apiKey: queryKey },
    );
    const recorded = await live.call({ messages: [{ role: "user", content: "hi" }] });
    await live.close();
    await proxy.close();
    await provider.close();
    expect(readFileSync(file, "utf8")).not.toContain(queryKey.slice(6));
    const transcript = await readTranscript(file);
    expect(transcript[0]?.request.path).toBe("/v1/chat/completions?key=…");

    const replay = await createFakeServer({ replies: transcriptReplies(transcript) });
    const offline = new ChatClient(
      {},
      { baseUrl: `${replay.baseUrl}?key=${queryKey}`, model: "m" },
    );
    expect(await offline.call({ messages: [{ role: "user", content: "hi" }] })).toEqual(recorded);
    await offline.close();
    await replay.close();
  });

  it("concurrent calls are recorded as they arrived and replayed strictly, whichever comes first", async () => {
    const provider = await createFakeServer();
    const asked = (content: string) => (r: { body: unknown }) =>
      JSON.stringify(r.body).includes(content);
    provider.when(
      { test: asked("slow") },
      { type: "json", delayMs: 200, body: completionBody({ content: "slow answer" }) },
    );
    provider.when(
      { test: asked("fast") },
      { type: "json", body: completionBody({ content: "fast answer" }) },
    );
    const file = join(mkdtempSync(join(tmpdir(), "loom-transcript-")), "parallel.jsonl");
    const proxy = await createRecordingProxy({ target: provider.baseUrl, file });
    const live = new ChatClient({}, { baseUrl: proxy.baseUrl, model: "m", apiKey: KEY });
    const ask = (content: string) => ({ messages: [{ role: "user" as const, content }] });
    const slow = live.call(ask("slow"));
    while (provider.requests.length === 0) await new Promise((r) => setTimeout(r, 5));
    const fast = await live.call(ask("fast"));
    expect([(await slow).content, fast.content]).toEqual(["slow answer", "fast answer"]);
    await live.close();
    await proxy.close();
    await provider.close();

    const transcript = await readTranscript(file);
    // As they arrived, then the other way round.
    for (const order of [
      ["slow", "fast"],
      ["fast", "slow"],
    ]) {
      const replay = await createFakeServer({ replies: transcriptReplies(transcript) });
      const offline = new ChatClient({}, { baseUrl: replay.baseUrl, model: "m" });
      for (const content of order)
        expect((await offline.call(ask(content))).content).toBe(`${content} answer`);
      await offline.close();
      await replay.close();
    }
  });

  it("a server that closes before answering is a ConnectionError through the proxy too, and replays as one", async () => {
    const provider = await createFakeServer({ fallback: { type: "reset" } });
    const file = join(mkdtempSync(join(tmpdir(), "loom-transcript-")), "reset.jsonl");
    const proxy = await createRecordingProxy({ target: provider.baseUrl, file });
    const config = { model: "m", apiKey: KEY, maxRetries: 0 };
    const live = new ChatClient({}, { ...config, baseUrl: proxy.baseUrl });
    const ask = { messages: [{ role: "user" as const, content: "hi" }] };
    expect(await live.call(ask).catch((e: unknown) => e)).toBeInstanceOf(ConnectionError);
    await live.close();
    await proxy.close();
    await provider.close();
    const transcript = await readTranscript(file);
    expect(transcript.map((entry) => entry.response)).toEqual([
      { status: 0, headers: {}, body: "", cut: true, cutBy: "server" },
    ]);

    const replay = await createFakeServer({ replies: transcriptReplies(transcript) });
    const offline = new ChatClient({}, { ...config, baseUrl: replay.baseUrl });
    expect(await offline.call(ask).catch((e: unknown) => e)).toBeInstanceOf(ConnectionError);
    await offline.close();
    await replay.close();
  });

  it("a stream the client leaves stops upstream, is recorded cut, and close() does not wait for the server", async () => {
    const provider = await createFakeServer({
      fallback: {
        type: "endless",
        event: { choices: [{ index: 0, delta: { content: "more " } }] },
        everyMs: 20,
        forMs: 30_000,
      },
    });
    const file = join(mkdtempSync(join(tmpdir(), "loom-transcript-")), "left.jsonl");
    const proxy = await createRecordingProxy({ target: provider.baseUrl, file });
    const live = new ChatClient({}, { baseUrl: proxy.baseUrl, model: "m", apiKey: KEY });
    let pieces = 0;
    for await (const _ of live.stream({ messages: [{ role: "user", content: "go on" }] }))
      if (++pieces === 3) break;
    await live.close();
    const started = performance.now();
    await proxy.close();
    expect(performance.now() - started).toBeLessThan(1_000);
    const [entry] = await readTranscript(file);
    expect(entry?.response).toMatchObject({ status: 200, cut: true });
    expect(["client", "proxy"]).toContain(entry?.response.cutBy);
    expect(entry?.response.body).toContain("more ");
    await provider.close();
  });

  it("a replay past the end of its transcript says so, and the client does not retry it", async () => {
    const transcript = [
      {
        request: {
          method: "POST",
          path: "/v1/chat/completions",
          headers: {},
          body: { model: "m", messages: [{ role: "user", content: "hi" }] },
        },
        response: {
          status: 200,
          headers: { "content-type": "application/json" },
          body: JSON.stringify(completionBody({ content: "recorded" })),
        },
      },
    ];
    const replay = await createFakeServer({ replies: transcriptReplies(transcript) });
    // Retries allowed: the 500 is not retried all the same.
    const offline = new ChatClient({}, { baseUrl: replay.baseUrl, model: "m", maxRetries: 2 });
    const ask = { messages: [{ role: "user" as const, content: "hi" }] };
    expect((await offline.call(ask)).content).toBe("recorded");
    const error = (await offline.call(ask).catch((e: unknown) => e)) as Error;
    expect(error.message).toContain("replay: request #2 but the transcript has 1 exchange");
    expect(replay.requests).toHaveLength(2);
    await offline.close();
    await replay.close();
  });
});
