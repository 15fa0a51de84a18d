import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { setTimeout as sleep } from "node:timers/promises";
import { ConnectionTracker } from "./connection-tracker.js";
import type { FakeReply, ReplyEnd, SseItem } from "./fake-reply.js";
import { pastEndOf } from "./past-end.js";
import type { RecordedRequest } from "./recorded-request.js";

/** Which requests a route answers; every given field must match. */
export interface RequestMatch {
  /** The body's `model`. */
  model?: string;
  /** Whether the body asks for `stream: true`. */
  stream?: boolean;
  /** The request path, e.g. `/v1/chat/completions`. */
  path?: string;
  test?: (request: RecordedRequest) => boolean;
}

/** Options for FakeServer. */
export interface FakeServerOptions {
  /** Replies for the first requests, in order. More can be queued with `enqueue`. */
  replies?: FakeReply[];
  /** The reply once the queue is empty. Without one, such a request gets a 500 that says so. */
  fallback?: FakeReply;
  /**
   * Lets a web page call the server (CORS): every reply allows any origin, the headers a client
   * sends and reads (`retry-after`, request ids, `x-should-retry`, `anthropic-ratelimit-*`) are
   * exposed, and an `OPTIONS` preflight is answered at once, without being recorded or taking
   * a reply. Off by default.
   */
  cors?: boolean;
}

/** What a `cors: true` server lets a page read from its replies. */
const CORS_EXPOSED_HEADERS = [
  "retry-after",
  "retry-after-ms",
  "x-request-id",
  "request-id",
  "openai-processing-ms",
  "x-should-retry",
  "x-ratelimit-limit-requests",
  "x-ratelimit-limit-tokens",
  "x-ratelimit-remaining-requests",
  "x-ratelimit-remaining-tokens",
  "x-ratelimit-reset-requests",
  "x-ratelimit-reset-tokens",
  "anthropic-ratelimit-requests-limit",
  "anthropic-ratelimit-requests-remaining",
  "anthropic-ratelimit-requests-reset",
  "anthropic-ratelimit-tokens-limit",
  "anthropic-ratelimit-tokens-remaining",
  "anthropic-ratelimit-tokens-reset",
  "anthropic-ratelimit-input-tokens-limit",
  "anthropic-ratelimit-input-tokens-remaining",
  "anthropic-ratelimit-input-tokens-reset",
  "anthropic-ratelimit-output-tokens-limit",
  "anthropic-ratelimit-output-tokens-remaining",
  "anthropic-ratelimit-output-tokens-reset",
].join(", ");

/** A real OpenAI-compatible HTTP server on 127.0.0.1 that answers as scripted. */
export interface FakeServer {
  /** `http://127.0.0.1:PORT` */
  readonly url: string;
  /** `http://127.0.0.1:PORT/v1`, the `baseUrl` to give a provider. */
  readonly baseUrl: string;
  /** Every request received, in order. */
  readonly requests: readonly RecordedRequest[];
  /** The last request received. */
  readonly lastRequest: RecordedRequest | undefined;
  /** The JSON object body of the last request; throws when there is none (a clear test failure). */
  lastJson(): Record<string, unknown>;
  /** TCP connections accepted so far. */
  readonly connectionCount: number;
  /** TCP connections open now. */
  readonly openConnections: number;
  /** Queues replies for the next requests, in order. */
  enqueue(...replies: FakeReply[]): void;
  /**
   * Replies for requests that match (by model, stream or not, path, or a predicate), taken
   * before the queue, in order; the last one keeps answering. Routes are tried in the order
   * they were added.
   */
  when(match: RequestMatch, ...replies: FakeReply[]): void;
  /** Sets the reply used once the queue is empty. */
  setFallback(reply: FakeReply | undefined): void;
  /** Forgets recorded requests, queued replies and connection counts. */
  reset(): void;
  /** Closes every connection, stalled ones included, and stops listening. */
  close(): Promise<void>;
}

/** Starts a fake server on a free loopback port. */
export async function createFakeServer(options: FakeServerOptions = {}): Promise<FakeServer> {
  const queue: FakeReply[] = [...(options.replies ?? [])];
  const routes: { match: RequestMatch; replies: FakeReply[] }[] = [];
  let fallback = options.fallback;
  const requests: RecordedRequest[] = [];
  // The last reply taken from the queue: a transcript's replay says what a request past its
  // end gets.
  let lastQueued: FakeReply | undefined;

  const server = createServer({ noDelay: true, keepAliveTimeout: 10_000 }, (req, res) => {
    void handle(req, res).catch(() => res.destroy());
  });
  const connections = new ConnectionTracker(server);

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const receivedAt = performance.now();
    if (options.cors === true && allowCors(req, res)) return;
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const rawBody = Buffer.concat(chunks).toString("utf8");
    const request: RecordedRequest = {
      index: requests.length + 1,
      method: req.method ?? "GET",
      path: req.url ?? "/",
      headers: { ...req.headers },
      body: parseJson(rawBody),
      rawBody,
      receivedAt,
    };
    requests.push(request);
    let reply = routed(request);
    if (reply === undefined) {
      reply = queue.shift();
      if (reply !== undefined) lastQueued = reply;
    }
    reply ??= fallback ?? pastEndOf(lastQueued, request) ?? unscripted(request);
    while (typeof reply === "function") reply = reply(request);
    await send(reply, res, request);
  }

  function routed(request: RecordedRequest): FakeReply | undefined {
    const route = routes.find((r) => matches(r.match, request));
    if (route === undefined) return undefined;
    return route.replies.length > 1 ? route.replies.shift() : route.replies[0];
  }

  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  const url = `http://127.0.0.1:${port}`;

  return {
    url,
    baseUrl: `${url}/v1`,
    get requests() {
      return requests;
    },
    get lastRequest() {
      return requests.at(-1);
    },
    lastJson: () => {
      const body = requests.at(-1)?.body;
      if (typeof body !== "object" || body === null || Array.isArray(body)) {
        throw new Error(
          `fake server: the last request had no JSON object body (${requests.length} received)`,
        );
      }
      return body as Record<string, unknown>;
    },
    get connectionCount() {
      return connections.accepted;
    },
    get openConnections() {
      return connections.open;
    },
    enqueue: (...replies) => {
      queue.push(...replies);
    },
    when: (match, ...replies) => {
      if (replies.length === 0) throw new TypeError("fake server: when() needs at least one reply");
      routes.push({ match, replies });
    },
    setFallback: (reply) => {
      fallback = reply;
    },
    reset: () => {
      queue.length = 0;
      lastQueued = undefined;
      routes.length = 0;
      requests.length = 0;
      connections.resetCount();
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        connections.destroyAll();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}

/**
 * Sets the CORS headers on `res`, kept by every later `writeHead`; answers a preflight
 * (`OPTIONS` with `access-control-request-method`) itself and says so.
 */
function allowCors(req: IncomingMessage, res: ServerResponse): boolean {
  res.setHeader("access-control-allow-origin", req.headers.origin ?? "*");
  res.setHeader("access-control-expose-headers", CORS_EXPOSED_HEADERS);
  res.setHeader("vary", "origin");
  if (req.method !== "OPTIONS" || req.headers["access-control-request-method"] === undefined) {
    return false;
  }
  res.writeHead(204, {
    "access-control-allow-methods": "GET, POST, PUT, PATCH, DELETE, OPTIONS",
    // Whatever the page asks to send: authorization, x-api-key, anthropic-*, a check's own.
    "access-control-allow-headers": req.headers["access-control-request-headers"] ?? "*",
    "access-control-max-age": "600",
  });
  res.end();
  req.resume();
  return true;
}

function matches(match: RequestMatch, request: RecordedRequest): boolean {
  const body = request.body as { model?: unknown; stream?: unknown } | undefined;
  if (match.model !== undefined && body?.model !== match.model) return false;
  if (match.stream !== undefined && (body?.stream === true) !== match.stream) return false;
  if (match.path !== undefined && request.path !== match.path) return false;
  return match.test === undefined || match.test(request);
}

function unscripted(request: RecordedRequest): FakeReply {
  return {
    type: "error",
    status: 500,
    // A test's mistake, not a server's hiccup: a client that retried it would only ask again
    // for a reply nobody scripted (Loom's clients and the official SDKs honour this header).
    headers: { "x-should-retry": "false" },
    body: {
      error: {
        message: `fake server: no reply scripted for request #${request.index} (${request.method} ${request.path})`,
        type: "fake_server_error",
      },
    },
  };
}

async function send(
  reply: Exclude<FakeReply, (request: RecordedRequest) => FakeReply>,
  res: ServerResponse,
  request: RecordedRequest,
): Promise<void> {
  const usage = wantsUsage(request);
  if (reply.type === "hang") return;
  if (reply.type === "reset") {
    res.socket?.destroy();
    return;
  }
  if (reply.delayMs) await sleep(reply.delayMs);
  if (res.destroyed) return;
  const body = new BodyWriter(res, reply.cutAfterBytes);
  switch (reply.type) {
    case "json":
    case "error": {
      const isText = typeof reply.body === "string";
      const text =
        reply.body === undefined
          ? ""
          : isText
            ? (reply.body as string)
            : JSON.stringify(reply.body);
      res.writeHead(reply.status ?? 200, {
        "content-type": isText ? "text/html; charset=utf-8" : "application/json",
        ...(reply.type === "error" && !isText && !hasRequestId(reply.headers)
          ? // As OpenAI's API answers every error; a string body is a proxy's page, which has none.
            { "x-request-id": `req_fake_${request.index}` }
          : {}),
        ...reply.headers,
      });
      if (await body.write(text)) res.end();
      return;
    }
    case "sse": {
      res.writeHead(reply.status ?? 200, {
        "content-type": "text/event-stream",
        "cache-control": "no-cache",
        ...reply.headers,
      });
      res.flushHeaders();
      if (reply.keepAlive !== undefined) {
        // A count, not a deadline: on a loaded machine the timers run late, and a test of what
        // the comments do must still get every one of them.
        const { everyMs, forMs } = reply.keepAlive;
        const count = Math.max(1, Math.floor(forMs / Math.max(1, everyMs)));
        for (let i = 0; i < count; i++) {
          await sleep(everyMs);
          if (!(await body.write(": keep-alive\n\n"))) return;
        }
      }
      for (const item of reply.events) {
        // As real servers do: the usage-only trailer only for a request that asked for it.
        if (!usage && isUsageTrailer(item)) continue;
        if (isDelay(item)) await sleep(item.delayMs);
        else if (!(await body.write(formatSse(item)))) return;
        if (res.destroyed) return;
      }
      if ((reply.done ?? true) && !(await body.write("data: [DONE]\n\n"))) return;
      finish(res, reply.end);
      return;
    }
    case "raw": {
      res.writeHead(reply.status ?? 200, { "content-type": "text/event-stream", ...reply.headers });
      res.flushHeaders();
      for (const chunk of reply.chunks) {
        if (isDelay(chunk)) await sleep(chunk.delayMs);
        else if (!(await body.write(chunk))) return;
        if (res.destroyed) return;
      }
      finish(res, reply.end);
      return;
    }
    case "endless": {
      res.writeHead(reply.status ?? 200, { "content-type": "text/event-stream", ...reply.headers });
      res.flushHeaders();
      const line = formatSse(reply.event);
      const until = Date.now() + (reply.forMs ?? 60_000);
      while (Date.now() < until) {
        if (!(await body.write(line))) return;
        // Yield to the event loop even when writing as fast as possible.
        if (reply.everyMs) await sleep(reply.everyMs);
        else await new Promise((resolve) => setImmediate(resolve));
      }
      res.end();
      return;
    }
    case "large": {
      const headers: Record<string, string> = {
        "content-type": reply.sse ? "text/event-stream" : "application/json",
        ...reply.headers,
      };
      if (reply.contentLength) headers["content-length"] = String(reply.bytes);
      res.writeHead(reply.status ?? 200, headers);
      const head = reply.sse
        ? 'data: {"choices":[{"delta":{"content":"'
        : '{"choices":[{"message":{"content":"';
      const piece = Buffer.alloc(64 * 1024, "x");
      let left = reply.bytes - head.length;
      if (!(await body.write(head))) return;
      while (left > 0) {
        const chunk = left >= piece.length ? piece : piece.subarray(0, left);
        if (!(await body.write(chunk))) return;
        left -= chunk.length;
      }
      res.end();
      return;
    }
  }
}

/** Writes a body with backpressure, and resets the connection once `cutAfterBytes` are out. */
class BodyWriter {
  readonly #res: ServerResponse;
  #left: number;

  constructor(res: ServerResponse, cutAfterBytes: number | undefined) {
    this.#res = res;
    this.#left = cutAfterBytes ?? Number.POSITIVE_INFINITY;
  }

  /** `false` once the connection is gone (cut here, or closed by the client). */
  async write(data: string | Uint8Array): Promise<boolean> {
    const res = this.#res;
    if (res.destroyed) return false;
    let bytes = typeof data === "string" ? Buffer.from(data) : data;
    const cut = bytes.length >= this.#left;
    if (cut) bytes = bytes.subarray(0, this.#left);
    this.#left -= bytes.length;
    const flushed = bytes.length === 0 || res.write(bytes);
    if (cut) {
      // Let the bytes leave before the reset, so the client sees exactly that many.
      await sleep(10);
      res.socket?.destroy();
      return false;
    }
    if (!flushed) {
      await new Promise<void>((resolve) => {
        const done = () => {
          res.off("drain", done).off("close", done);
          resolve();
        };
        res.on("drain", done).on("close", done);
      });
    }
    return !res.destroyed;
  }
}

function finish(res: ServerResponse, end: ReplyEnd | undefined): void {
  if (end === "destroy") res.socket?.destroy();
  else if (end === "reset") res.socket?.resetAndDestroy();
  else if (end !== "hang") res.end();
}

/** Whether a script set a request id of its own (OpenAI's `x-request-id`, Anthropic's `request-id`). */
function hasRequestId(headers: Record<string, string> | undefined): boolean {
  return Object.keys(headers ?? {}).some((name) => /^(x-)?request-id$/i.test(name));
}

/** Whether a streamed request asked for usage (`stream_options.include_usage`). */
function wantsUsage(request: RecordedRequest): boolean {
  const body = request.body as { stream_options?: { include_usage?: unknown } } | undefined;
  return body?.stream_options?.include_usage === true;
}

/** A `choices: []` chunk that carries only usage: sent only when the request asked for usage. */
function isUsageTrailer(item: unknown): boolean {
  if (typeof item !== "object" || item === null) return false;
  const chunk = item as { choices?: unknown; usage?: unknown };
  return (
    Array.isArray(chunk.choices) &&
    chunk.choices.length === 0 &&
    typeof chunk.usage === "object" &&
    chunk.usage !== null
  );
}

function isDelay(item: unknown): item is { delayMs: number } {
  return typeof item === "object" && item !== null && "delayMs" in item;
}

function formatSse(item: Exclude<SseItem, { delayMs: number }>): string {
  if (typeof item === "string") return `data: ${item}\n\n`;
  if ("comment" in item && typeof item.comment === "string") return `: ${item.comment}\n\n`;
  if ("event" in item && "data" in item && typeof item.event === "string") {
    return `event: ${item.event}\ndata: ${item.data}\n\n`;
  }
  return `data: ${JSON.stringify(item)}\n\n`;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
