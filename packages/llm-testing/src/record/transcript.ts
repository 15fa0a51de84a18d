import { readFile } from "node:fs/promises";
import type { FakeReply } from "../fake-server/fake-reply.js";
import type { RecordedRequest } from "../fake-server/recorded-request.js";

/**
 * One exchange of a transcript: a JSON Lines file, one exchange per line, in the order they
 * happened. Credentials are never in it: `authorization`, `api-key`, `x-api-key`, `cookie`,
 * `set-cookie` and every other credential header (`*-token`, `*-key`, …) are dropped, and their
 * values are masked wherever they appear (bodies, header values, a stream's events, a key split
 * across them; as is, URL-encoded, base64, hex, or behind JSON escapes).
 */
export interface TranscriptEntry {
  request: {
    method: string;
    /** Path and query, e.g. `/v1/chat/completions`, `/v1/messages` or `/v1/responses`. */
    path: string;
    headers: Record<string, string>;
    /** The JSON body. */
    body: unknown;
  };
  response: {
    status: number;
    headers: Record<string, string>;
    /**
     * The body as received: JSON text, or the raw SSE text of a stream, byte for byte (`event:`
     * names and all; a `[DONE]` only if the server sent one).
     */
    body: string;
    /**
     * The server broke off mid-body (a reset, a close): `body` is what came before, and a
     * replay cuts the connection after it, as the server did.
     */
    cut?: boolean;
  };
}

/** Reads a transcript file (JSON Lines). */
export async function readTranscript(path: string): Promise<TranscriptEntry[]> {
  const text = await readFile(path, "utf8");
  return text
    .split("\n")
    .filter((line) => line.trim() !== "")
    .map((line, i) => {
      try {
        return JSON.parse(line) as TranscriptEntry;
      } catch (error) {
        throw new Error(`${path}:${i + 1}: not a transcript line (${(error as Error).message})`);
      }
    });
}

/** Options for Replay. */
export interface ReplayOptions {
  /**
   * Answer each request only if its body is the recorded one (`model`, `messages`, options);
   * a different request gets a 400 that says what differs. @default true
   */
  strict?: boolean;
}

/**
 * Fake-server replies that play a transcript back in order, byte for byte: a test recorded once
 * against DeepSeek runs offline forever (`createFakeServer({ replies: transcriptReplies(t) })`).
 */
export function transcriptReplies(
  entries: readonly TranscriptEntry[],
  options: ReplayOptions = {},
): FakeReply[] {
  return entries.map((entry, i) => (request: RecordedRequest): FakeReply => {
    if (
      (options.strict ?? true) &&
      JSON.stringify(request.body) !== JSON.stringify(entry.request.body)
    ) {
      return {
        type: "error",
        status: 400,
        body: {
          error: {
            message: `replay: request #${i + 1} differs from the transcript. Recorded ${JSON.stringify(entry.request.body).slice(0, 300)}; received ${JSON.stringify(request.body).slice(0, 300)}`,
            type: "replay_mismatch",
          },
        },
      };
    }
    const headers = { ...entry.response.headers };
    // The recorded framing is replayed as is: chunked, whatever length it had.
    delete headers["content-length"];
    delete headers["transfer-encoding"];
    return {
      type: "raw",
      status: entry.response.status,
      headers,
      chunks: [entry.response.body],
      ...(entry.response.cut === true ? { end: "reset" as const } : {}),
    };
  });
}
