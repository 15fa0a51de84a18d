import { appendFile } from "node:fs/promises";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { CREDENTIAL_HEADER, type Redactor } from "@loom/llm-utils";
import { ConnectionTracker } from "../fake-server/connection-tracker.js";
import { parseBody, type TranscriptEntry } from "./transcript.js";
import { maskBody, maskPath, transcriptRedactor } from "./transcript-masking.js";

/** Options for RecordingProxy. */
export interface RecordingProxyOptions {
  /** The real API's base URL, e.g. `https://api.deepseek.com/v1`. */
  target: string;
  /**
   * Append each exchange to this JSON Lines file, in the order the requests arrived: once its
   * response ended, before the client sees that end, unless an exchange that arrived earlier is
   * still going (then right after that one).
   */
  file?: string;
}

/** A local proxy in front of a real API that records every exchange. */
export interface RecordingProxy {
  /** Give this to the provider as its `baseUrl`: `http://127.0.0.1:PORT/v1` (the target's path). */
  readonly baseUrl: string;
  /**
   * Every exchange that ended so far, credentials removed, in the order the requests arrived
   * (an exchange still going is missing, and later ones already listed).
   */
  readonly entries: readonly TranscriptEntry[];
  /**
   * Stops the proxy: exchanges still going are ended (the upstream request cancelled, the client's
   * connection closed) and recorded as cut (`cutBy: "proxy"`), never waited for; resolves once
   * every exchange is written, and rejects if writing the file failed.
   */
  close(): Promise<void>;
}

// Headers that carry credentials or are per-connection: never written to a transcript.
const DROPPED = new Set([
  "authorization",
  "api-key",
  "x-api-key",
  "cookie",
  "set-cookie",
  "proxy-authorization",
  "host",
  "connection",
  "keep-alive",
  "content-length",
  "transfer-encoding",
]);

/**
 * Headers of the client's connection to the proxy, not of the request: fetch sets its own (and
 * refuses `expect` and `transfer-encoding`, which curl and a body without a length send), so
 * they are neither forwarded nor recorded.
 */
const HOP_BY_HOP: ReadonlySet<string> = new Set([
  "host",
  "connection",
  "content-length",
  "keep-alive",
  "transfer-encoding",
  "expect",
  "te",
  "trailer",
  "upgrade",
  "proxy-connection",
]);

/**
 * Failures to reach the target at all (a wrong `target`, no network): the proxy's own trouble,
 * answered with a 502 that says so and not recorded, since no server saw the request. Any other
 * failure (a reset, a close) is the server's, and is passed on and recorded.
 */
const UNREACHABLE =
  /^(ECONNREFUSED|ENOTFOUND|EAI_AGAIN|EHOSTUNREACH|ENETUNREACH|UND_ERR_CONNECT_TIMEOUT)$|CERT|TLS/;

type CutBy = NonNullable<TranscriptEntry["response"]["cutBy"]>;

/** One exchange, from the arrival of its request until its entry is decided. */
interface Exchange {
  /** Its entry once it ended; none if it was never sent (the target unreachable). */
  entry?: TranscriptEntry;
  /** Whether it ended (its entry is decided). */
  ended: boolean;
  /** Who cancelled it, if anyone did. */
  cutBy?: CutBy;
  /** Aborted when it is cancelled: the upstream request stops. */
  signal: AbortSignal;
  cancel(by: CutBy): void;
  /** Marks it ended: the write of its entry, queued behind the earlier exchanges', may start. */
  end(): void;
  /** Resolves once its entry (if any) is in the file. */
  written: Promise<void>;
}

/**
 * Starts a recording proxy on loopback: requests are forwarded to `target` (with their
 * credentials), responses streamed back as they arrive, and each exchange recorded without
 * credentials, so it can be replayed offline by `transcriptReplies`.
 */
export async function createRecordingProxy(
  options: RecordingProxyOptions,
): Promise<RecordingProxy> {
  const target = new URL(options.target);
  const basePath = target.pathname.replace(/\/+$/, "");
  // In the order the requests arrived, which is the transcript's: a replay answers in arrival
  // order too, and concurrent calls must not come out in the order their answers happened to end.
  const exchanges: Exchange[] = [];
  const going = new Set<Exchange>();
  // The file's writes, one after the other in arrival order.
  let writes: Promise<void> = Promise.resolve();
  let writeError: unknown;
  let closing = false;
  const pending = new Set<Promise<void>>();

  const server = createServer((req, res) => {
    const exchange = open(res);
    // Going away mid-response (an abort, a `break`) cancels the upstream request: read to its
    // end, a real API's generation would be paid for in full, and one that never ends would
    // keep the proxy (and its close()) waiting forever.
    res.on("close", () => {
      if (!res.writableFinished) exchange.cancel("client");
    });
    if (closing) exchange.cancel("proxy");
    const run = forward(req, res, exchange)
      .catch((error: unknown) => {
        if (res.destroyed) return;
        if (!res.headersSent) res.writeHead(502, { "content-type": "application/json" });
        const message = `recording proxy: ${(error as Error).message}`;
        res.end(JSON.stringify({ error: { message, type: "proxy_error" } }));
      })
      .finally(() => exchange.end());
    pending.add(run);
    void run.finally(() => pending.delete(run));
  });
  const connections = new ConnectionTracker(server);

  function open(res: ServerResponse): Exchange {
    const controller = new AbortController();
    let ended!: () => void;
    const whenEnded = new Promise<void>((resolve) => {
      ended = resolve;
    });
    const exchange: Exchange = {
      ended: false,
      signal: controller.signal,
      cancel: (by) => {
        if (exchange.ended) return;
        exchange.cutBy ??= by;
        controller.abort();
        // Closing: the client's connection too, even while its request is still coming in.
        if (by === "proxy") res.destroy();
      },
      end: () => {
        if (exchange.ended) return;
        exchange.ended = true;
        going.delete(exchange);
        ended();
      },
      written: Promise.resolve(),
    };
    exchange.written = writes = writes
      .then(() => whenEnded)
      .then(async () => {
        if (exchange.entry !== undefined && options.file !== undefined)
          await appendFile(options.file, `${JSON.stringify(exchange.entry)}\n`);
      })
      .catch((error: unknown) => {
        writeError ??= error;
      });
    exchanges.push(exchange);
    going.add(exchange);
    return exchange;
  }

  /**
   * Ends an exchange with its entry, and its response for the client once the entry is on disk,
   * so that a test reading the transcript right after its call finds the exchange there; unless
   * an earlier exchange is still going, whose end this one cannot wait for (it may never come).
   */
  async function settle(
    exchange: Exchange,
    entry: TranscriptEntry,
    res: ServerResponse,
  ): Promise<void> {
    exchange.entry = entry;
    exchange.end();
    const index = exchanges.indexOf(exchange);
    const earlierGoing = [...going].some((other) => exchanges.indexOf(other) < index);
    if (!earlierGoing) await exchange.written;
    // A body cut is cut for the client too: ended normally, it would pass for whole.
    if (entry.response.cut === true) res.destroy();
    else res.end();
  }

  async function forward(
    req: IncomingMessage,
    res: ServerResponse,
    exchange: Exchange,
  ): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const bytes = Buffer.concat(chunks);
    // Forwarded as it came; recorded as text (a transcript holds JSON and SSE).
    const requestBody = bytes.toString("utf8");
    const url = req.url ?? "/";
    const redactor = transcriptRedactor(req.headers, url);
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(req.headers)) {
      if (typeof value === "string" && !HOP_BY_HOP.has(name)) headers[name] = value;
    }
    const request: TranscriptEntry["request"] = {
      method: req.method ?? "POST",
      path: maskPath(url.startsWith(basePath) ? url : `${basePath}${url}`, redactor),
      headers: maskValues(clean(headers), redactor),
      body: parseBody(maskBody(requestBody, req.headers["content-type"], redactor)),
    };
    let upstream: Response;
    try {
      upstream = await fetch(`${target.origin}${url}`, {
        method: req.method ?? "POST",
        headers,
        body: req.method === "GET" || req.method === "HEAD" ? null : bytes,
        signal: exchange.signal,
      });
    } catch (error) {
      if (exchange.cutBy === undefined && UNREACHABLE.test(errorCode(error))) throw error;
      // No answer came (a reset, a close before the status line): the client gets the same, a
      // connection closed without an answer, not a 502 of the proxy's, and the transcript
      // keeps it, so a replay fails the same way.
      const response = {
        status: 0,
        headers: {},
        body: "",
        cut: true,
        cutBy: exchange.cutBy ?? "server",
      };
      await settle(exchange, { request, response }, res);
      return;
    }
    const responseHeaders: Record<string, string> = {};
    upstream.headers.forEach((value, name) => {
      if (!DROPPED.has(name) && name !== "content-encoding") responseHeaders[name] = value;
    });
    if (!res.destroyed) res.writeHead(upstream.status, responseHeaders);
    const decoder = new TextDecoder();
    let responseBody = "";
    let cut = false;
    try {
      if (upstream.body !== null) {
        for await (const chunk of upstream.body) {
          res.write(chunk);
          responseBody += decoder.decode(chunk, { stream: true });
        }
      }
    } catch {
      // Broken off mid-body: by the server, or cancelled since the client went away or the
      // proxy is closing. The transcript says so, and by whom.
      cut = true;
    }
    responseBody += decoder.decode();
    const response: TranscriptEntry["response"] = {
      status: upstream.status,
      headers: maskValues(responseHeaders, redactor),
      body: maskBody(responseBody, responseHeaders["content-type"], redactor),
      ...(cut ? { cut: true, cutBy: exchange.cutBy ?? "server" } : {}),
    };
    await settle(exchange, { request, response }, res);
  }

  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}${basePath}`,
    get entries() {
      return exchanges.flatMap((exchange) =>
        exchange.entry === undefined ? [] : [exchange.entry],
      );
    },
    close: async () => {
      closing = true;
      const stopped = new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
      });
      // Ended, not waited for: an upstream that never stops would keep close() waiting forever.
      for (const exchange of going) exchange.cancel("proxy");
      await Promise.allSettled([...pending]);
      await writes;
      connections.destroyAll();
      await stopped;
      if (writeError !== undefined) throw writeError;
    },
  };
}

/** The code of a failed fetch's cause (`ECONNRESET`, `UND_ERR_SOCKET`, …), or "". */
function errorCode(error: unknown): string {
  for (let cause = error; typeof cause === "object" && cause !== null; ) {
    const { code, errors } = cause as { code?: unknown; errors?: unknown };
    if (typeof code === "string") return code;
    // A connection refused on every address is an AggregateError of one failure per address.
    if (Array.isArray(errors) && errors.length > 0) return errorCode(errors[0]);
    cause = (cause as { cause?: unknown }).cause;
  }
  return "";
}

function clean(headers: Record<string, string>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(headers).filter(([name]) => !DROPPED.has(name) && !CREDENTIAL_HEADER.test(name)),
  );
}

/** Header values with the request's credentials masked (a server may echo them in one). */
function maskValues(headers: Record<string, string>, redactor: Redactor): Record<string, string> {
  if (redactor.empty) return headers;
  return Object.fromEntries(
    Object.entries(headers).map(([name, value]) => [name, redactor.redact(value)]),
  );
}
