import type { RecordedRequest } from "./recorded-request.js";

/** A pause in a reply, in milliseconds. */
export interface Delay {
  delayMs: number;
}

/** How a reply ends once its bytes are written. */
export type ReplyEnd =
  /** Finish the response normally; the connection stays open for keep-alive. */
  | "close"
  /** Close the socket (FIN) mid-response: the client sees the other side close. */
  | "destroy"
  /** Reset the connection (RST) mid-response: the client sees `ECONNRESET`. */
  | "reset"
  /** Leave the response open and send nothing more (a stalled server). */
  | "hang";

/** What every reply with a status line shares: status, headers, and when and how it is cut. */
export interface ReplyBase {
  /** @default 200 (an error reply has no default) */
  status?: number;
  headers?: Record<string, string>;
  /** Wait this long before sending the status line and headers. */
  delayMs?: number;
  /** Reset the connection after this many body bytes: a response cut mid-way. */
  cutAfterBytes?: number;
}

/** A JSON body, e.g. a `chat.completion`. */
export interface JsonReply extends ReplyBase {
  type: "json";
  body: unknown;
}

/** A non-2xx answer. A string body is sent as is (HTML, text), anything else as JSON. */
export interface ErrorReply extends ReplyBase {
  type: "error";
  status: number;
  body?: unknown;
}

/** One item of an SSE reply. */
export type SseItem =
  /** A JSON payload, sent as `data: {json}`. */
  | object
  /** A raw payload, sent as `data: <text>`. */
  | string
  /** A comment line, `: <text>`; servers use them as keep-alives. */
  | { comment: string }
  /** An event with a name, e.g. `event: error`. */
  | { event: string; data: string }
  | Delay;

/** A `text/event-stream` reply: each item a separate write, so delays split TCP segments. */
export interface SseReply extends ReplyBase {
  type: "sse";
  events: SseItem[];
  /** `forMs / everyMs` keep-alive comments (`: keep-alive`), `everyMs` apart, before the events, as DeepSeek sends while it queues. */
  keepAlive?: { everyMs: number; forMs: number };
  /** Send `data: [DONE]` after the events. @default true */
  done?: boolean;
  /** @default "close" */
  end?: ReplyEnd;
}

/** Exact bytes, each chunk a separate write: for framing tests (split lines, split UTF-8). */
export interface RawReply extends ReplyBase {
  type: "raw";
  chunks: (string | Uint8Array | Delay)[];
  /** @default "close" */
  end?: ReplyEnd;
}

/** Accept the request and never answer. */
export interface HangReply {
  type: "hang";
}

/**
 * Close the connection without answering, once the request was read: on a connection that
 * answered before, the client sees a stale keep-alive socket; on a fresh one, a server that read
 * the request (and may have acted on it) and closed.
 */
export interface ResetReply {
  type: "reset";
}

/**
 * A body of `bytes` bytes, written in chunks with backpressure so the server never holds it:
 * a JSON-looking completion body, or (`sse: true`) one SSE event that never ends.
 */
export interface LargeReply extends ReplyBase {
  type: "large";
  bytes: number;
  sse?: boolean;
  /** Declare `content-length` (a client may refuse before reading). @default false */
  contentLength?: boolean;
}

/**
 * A stream that never ends: `event` (a `chat.completion.chunk`) written every `everyMs`, until
 * the client goes away or `forMs` passed (a bound, so a test cannot hang forever).
 */
export interface EndlessReply extends ReplyBase {
  type: "endless";
  event: object;
  /** @default 0 (as fast as the client reads) */
  everyMs?: number;
  /** @default 60 000 */
  forMs?: number;
}

/** What the fake server sends for one request; a function decides from the request itself. */
export type FakeReply =
  | JsonReply
  | ErrorReply
  | SseReply
  | RawReply
  | HangReply
  | ResetReply
  | LargeReply
  | EndlessReply
  | ((request: RecordedRequest) => FakeReply);
