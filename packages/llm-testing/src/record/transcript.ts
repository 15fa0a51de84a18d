import { readFile } from "node:fs/promises";
import { redactUrl } from "@loom/llm-utils";
import type { FakeReply } from "../fake-server/fake-reply.js";
import { PAST_END } from "../fake-server/past-end.js";
import type { RecordedRequest } from "../fake-server/recorded-request.js";
import { maskBody, maskPath, transcriptRedactor } from "./transcript-masking.js";

/**
 * One exchange of a transcript: a JSON Lines file, one exchange per line, in the order their
 * requests arrived (with concurrent calls, not the order their answers ended). Credentials are
 * never in it: `authorization`, `api-key`, `x-api-key`, `cookie`, `set-cookie` and every other
 * credential header (`*-token`, `*-key`, …) are dropped, a credential parameter of the query
 * (`?key=`, `?api-key=`) is written `…`, and their values are masked wherever they appear
 * (the path, bodies, header values, a stream's events, a key split across them; as is,
 * URL-encoded, base64, hex, or behind JSON escapes).
 *
 * An exchange reaches the file once its response ended (or was cut), before the client sees
 * that end, unless an exchange whose request arrived earlier is still going: then it is written
 * right after that one, at the latest when the proxy's `close()` cuts it.
 */
export interface TranscriptEntry {
  request: {
    method: string;
    /**
     * Path and query, e.g. `/v1/chat/completions`, `/v1/messages` or `/v1/responses`; a
     * credential parameter's value is `…` (`/v1/chat/completions?key=…`).
     */
    path: string;
    headers: Record<string, string>;
    /** The JSON body (the text when it is not JSON). */
    body: unknown;
  };
  response: {
    /**
     * The HTTP status; `0` when no response came at all (the connection was reset or closed
     * before the status line): then `headers` is `{}`, `body` is `""` and `cut` is true, and a
     * replay closes the connection without an answer (`{ type: "reset" }`), as the server did.
     */
    status: number;
    headers: Record<string, string>;
    /**
     * The body as received: JSON text, or the raw SSE text of a stream, byte for byte (`event:`
     * names and all; a `[DONE]` only if the server sent one).
     */
    body: string;
    /**
     * The exchange was broken off before the end of the body (`cutBy` says by whom): `body` is
     * what came before, and a replay cuts the connection after it (or, cut by the client, leaves
     * it open after it, for the replayed client to leave as it did).
     */
    cut?: boolean;
    /**
     * Who broke it off, when `cut`: `"server"` (a reset or a close; also what an older
     * transcript without this field means), `"client"` (it went away mid-response, an abort or a
     * `break`: the proxy cancelled the upstream request rather than pay for the rest), or
     * `"proxy"` (its `close()` ended the exchange while it was still going).
     */
    cutBy?: "server" | "client" | "proxy";
  };
}

/** Reads a transcript file (JSON Lines), refusing a line that is not a transcript entry. */
export async function readTranscript(path: string): Promise<TranscriptEntry[]> {
  const text = await readFile(path, "utf8");
  const entries: TranscriptEntry[] = [];
  for (const [i, line] of text.split("\n").entries()) {
    if (line.trim() === "") continue;
    let entry: unknown;
    try {
      entry = JSON.parse(line);
    } catch (error) {
      throw new Error(`${path}:${i + 1}: not a transcript line (${(error as Error).message})`);
    }
    const problem = entryProblem(entry);
    if (problem !== undefined)
      throw new Error(`${path}:${i + 1}: not a transcript entry: ${problem}`);
    entries.push(entry as TranscriptEntry);
  }
  return entries;
}

/** Options for Replay. */
export interface ReplayOptions {
  /**
   * Answer each request with the first unused exchange whose method, path and body are the
   * request's (`model`, `messages`, options), whatever order concurrent calls arrive in; a
   * request that matches none gets a 400 that says what differs. Without it, exchanges are
   * handed out in order, whatever was asked. @default true
   */
  strict?: boolean;
}

/**
 * Fake-server replies that play a transcript back, byte for byte: a test recorded once against
 * DeepSeek runs offline forever (`createFakeServer({ replies: transcriptReplies(t) })`). One
 * reply per exchange, the unused ones still answering after a request that matched none; a
 * request past the end gets a 500 that says so (and that no client retries). The replies of one call share what they used: call it once per server. Throws a
 * `TypeError` naming the entry and the field when an entry is malformed.
 */
export function transcriptReplies(
  entries: readonly TranscriptEntry[],
  options: ReplayOptions = {},
): FakeReply[] {
  for (const [i, entry] of entries.entries()) {
    const problem = entryProblem(entry);
    if (problem !== undefined)
      throw new TypeError(`transcript entry #${i + 1} is not a transcript entry: ${problem}`);
  }
  const strict = options.strict ?? true;
  const used = new Set<number>();
  // Requests this transcript was asked to answer, for the messages.
  let asked = 0;
  const answer = (request: RecordedRequest): FakeReply => {
    asked++;
    const next = entries.findIndex((_, i) => !used.has(i));
    const received = strict ? replayed(request) : undefined;
    // Concurrent calls may arrive in another order than when recorded: the first unused
    // exchange that was this very request answers it.
    const at =
      received === undefined
        ? next
        : entries.findIndex((entry, i) => !used.has(i) && sameRequest(entry, received));
    const entry = entries[at];
    // Only a strict replay finds none: in order, the next unused one always answers.
    if (entry === undefined)
      return mismatch(asked, entries[next], next, received ?? replayed(request));
    used.add(at);
    return replyOf(entry);
  };
  // Past the queue's end, which has one reply per exchange: a request that matched none took
  // a reply, so an exchange may still be unused; it answers what it was recorded for.
  const pastEnd = (request: RecordedRequest): FakeReply => {
    if (used.size < entries.length) return answer(request);
    asked++;
    return {
      type: "error",
      status: 500,
      // Asking again cannot make the transcript longer.
      headers: { "x-should-retry": "false" },
      body: {
        error: {
          message: `replay: request #${asked} but the transcript has ${entries.length} exchange${entries.length === 1 ? "" : "s"}`,
          type: "replay_exhausted",
        },
      },
    };
  };
  return entries.map(() =>
    Object.assign((request: RecordedRequest) => answer(request), {
      [PAST_END]: pastEnd,
    }),
  );
}

/** What a request is in a transcript: its method, and its path and body masked as recorded. */
interface Replayed {
  method: string;
  path: string;
  body: string;
}

function replayed(request: RecordedRequest): Replayed {
  // Masked as the proxy masks what it records, with the credentials this request carries: a
  // key in the query is `…` in both, whichever key each was sent with.
  const redactor = transcriptRedactor(request.headers, request.path);
  const contentType = request.headers["content-type"];
  const body = maskBody(
    request.rawBody,
    typeof contentType === "string" ? contentType : undefined,
    redactor,
  );
  return {
    method: request.method,
    path: maskPath(request.path, redactor),
    body: JSON.stringify(parseBody(body)),
  };
}

function sameRequest(entry: TranscriptEntry, received: Replayed): boolean {
  return (
    entry.request.method.toUpperCase() === received.method.toUpperCase() &&
    // A transcript written before paths were masked still matches (its key is masked here).
    redactUrl(entry.request.path) === received.path &&
    JSON.stringify(entry.request.body) === received.body
  );
}

function mismatch(
  asked: number,
  next: TranscriptEntry | undefined,
  at: number,
  received: Replayed,
): FakeReply {
  const recorded =
    next === undefined
      ? "nothing"
      : `${next.request.method} ${next.request.path} ${JSON.stringify(next.request.body).slice(0, 300)}`;
  return {
    type: "error",
    status: 400,
    body: {
      error: {
        message: `replay: request #${asked} differs from the transcript: no unused exchange has its method, path and body. Next unused (#${at + 1}): recorded ${recorded}; received ${received.method} ${received.path} ${received.body.slice(0, 300)}`,
        type: "replay_mismatch",
      },
    },
  };
}

function replyOf(entry: TranscriptEntry): FakeReply {
  // Nothing came: the connection closed without an answer, as it did when recorded.
  if (entry.response.status === 0) return { type: "reset" };
  const headers: Record<string, string> = {};
  // A masked value holds a `…`, which no header may carry: sent as `...`.
  for (const [name, value] of Object.entries(entry.response.headers ?? {}))
    headers[name] = value.replaceAll("…", "...").replace(/[^\t\x20-\x7e\x80-\xff]/g, "?");
  // The recorded framing is replayed as is: chunked, whatever length it had.
  delete headers["content-length"];
  delete headers["transfer-encoding"];
  return {
    type: "raw",
    status: entry.response.status,
    headers,
    chunks: [entry.response.body],
    // Cut by the server (or the proxy's close()): the client saw the connection end there. Cut
    // by the client (its abort, its timeout): the rest never came, and the replayed client ends
    // it as it did, its own way, so the connection stays open after what was recorded.
    ...(entry.response.cut === true
      ? { end: entry.response.cutBy === "client" ? ("hang" as const) : ("reset" as const) }
      : {}),
  };
}

/** What is wrong with a transcript entry (the field and what it holds), or undefined. */
function entryProblem(value: unknown): string | undefined {
  if (!isObject(value)) return `the line is ${kind(value)}, not an object {request, response}`;
  const { request, response } = value;
  if (!isObject(request)) return `"request" is ${kind(request)}, not an object`;
  if (typeof request.method !== "string")
    return `"request.method" is ${kind(request.method)}, not a string`;
  if (typeof request.path !== "string")
    return `"request.path" is ${kind(request.path)}, not a string`;
  if (request.headers !== undefined && !isStringRecord(request.headers))
    return `"request.headers" is ${kind(request.headers)}, not an object of strings`;
  if (!isObject(response)) return `"response" is ${kind(response)}, not an object`;
  const { status } = response;
  if (typeof status !== "number" || !Number.isInteger(status) || status < 0 || status > 999)
    return `"response.status" is ${kind(status)}, not an HTTP status (or 0: no response)`;
  if (status > 0 && status < 100)
    return `"response.status" is ${status}, not an HTTP status (or 0: no response)`;
  if (response.headers !== undefined && !isStringRecord(response.headers))
    return `"response.headers" is ${kind(response.headers)}, not an object of strings`;
  // The body is the text as received: a parsed JSON object written in its place (by hand, say)
  // would be replayed as "[object Object]".
  if (typeof response.body !== "string")
    return `"response.body" is ${kind(response.body)}, not a string (the body's text, JSON written as a string)`;
  if (response.cut !== undefined && typeof response.cut !== "boolean")
    return `"response.cut" is ${kind(response.cut)}, not a boolean`;
  if (
    response.cutBy !== undefined &&
    !["server", "client", "proxy"].includes(String(response.cutBy))
  )
    return `"response.cutBy" is ${kind(response.cutBy)}, not "server", "client" or "proxy"`;
  return undefined;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function isStringRecord(value: unknown): boolean {
  return isObject(value) && Object.values(value).every((item) => typeof item === "string");
}

function kind(value: unknown): string {
  if (value === undefined) return "missing";
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  if (typeof value === "object") return "an object";
  if (typeof value === "string") return `the string ${JSON.stringify(value.slice(0, 40))}`;
  return `${typeof value} ${String(value)}`;
}

/** A body as the proxy records it: its JSON, else its text. */
export function parseBody(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
