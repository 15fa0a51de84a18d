import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ChatClient } from "@loom/llm-core";
import {
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
});
