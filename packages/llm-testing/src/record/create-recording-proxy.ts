import { appendFile } from "node:fs/promises";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { CREDENTIAL_HEADER, type Redactor } from "@loom/llm-utils";
import { ConnectionTracker } from "../fake-server/connection-tracker.js";
import type { TranscriptEntry } from "./transcript.js";
import { maskBody, transcriptRedactor } from "./transcript-masking.js";

/** Options for RecordingProxy. */
export interface RecordingProxyOptions {
  /** The real API's base URL, e.g. `https://api.deepseek.com/v1`. */
  target: string;
  /** Append each exchange to this JSON Lines file. */
  file?: string;
}

/** A local proxy in front of a real API that records every exchange. */
export interface RecordingProxy {
  /** Give this to the provider as its `baseUrl`: `http://127.0.0.1:PORT/v1` (the target's path). */
  readonly baseUrl: string;
  /** Every exchange recorded so far, credentials removed. */
  readonly entries: readonly TranscriptEntry[];
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
 * Starts a recording proxy on loopback: requests are forwarded to `target` (with their
 * credentials), responses streamed back as they arrive, and each exchange recorded without
 * credentials, so it can be replayed offline by `transcriptReplies`.
 */
export async function createRecordingProxy(
  options: RecordingProxyOptions,
): Promise<RecordingProxy> {
  const target = new URL(options.target);
  const basePath = target.pathname.replace(/\/+$/, "");
  const entries: TranscriptEntry[] = [];
  // Exchanges still being written: close() waits for them, so no recording is lost.
  const pending = new Set<Promise<void>>();
  const server = createServer((req, res) => {
    const exchange = forward(req, res).catch((error: unknown) => {
      if (!res.headersSent) res.writeHead(502, { "content-type": "application/json" });
      const message = `recording proxy: ${(error as Error).message}`;
      res.end(JSON.stringify({ error: { message, type: "proxy_error" } }));
    });
    pending.add(exchange);
    void exchange.finally(() => pending.delete(exchange));
  });
  const connections = new ConnectionTracker(server);

  async function forward(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const requestBody = Buffer.concat(chunks).toString("utf8");
    const redactor = transcriptRedactor(req.headers);
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(req.headers)) {
      if (
        typeof value === "string" &&
        !["host", "connection", "content-length", "keep-alive"].includes(name)
      )
        headers[name] = value;
    }
    const upstream = await fetch(`${target.origin}${req.url ?? "/"}`, {
      method: req.method ?? "POST",
      headers,
      body: req.method === "GET" || req.method === "HEAD" ? null : requestBody,
    });
    const responseHeaders: Record<string, string> = {};
    upstream.headers.forEach((value, name) => {
      if (!DROPPED.has(name) && name !== "content-encoding") responseHeaders[name] = value;
    });
    res.writeHead(upstream.status, responseHeaders);
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
      // The server broke off mid-body: so does the proxy, below, and the transcript says so.
      cut = true;
    }
    responseBody += decoder.decode();
    const entry: TranscriptEntry = {
      request: {
        method: req.method ?? "POST",
        path: (req.url ?? "/").startsWith(basePath)
          ? (req.url ?? "/")
          : `${basePath}${req.url ?? "/"}`,
        headers: maskValues(clean(headers), redactor),
        body: parse(maskBody(requestBody, req.headers["content-type"], redactor)),
      },
      response: {
        status: upstream.status,
        headers: maskValues(responseHeaders, redactor),
        body: maskBody(responseBody, responseHeaders["content-type"], redactor),
        ...(cut ? { cut: true } : {}),
      },
    };
    entries.push(entry);
    // On disk before the client sees the end of the response: a test that reads the transcript
    // right after its call finds the exchange there.
    if (options.file !== undefined) await appendFile(options.file, `${JSON.stringify(entry)}\n`);
    // A body the server cut is cut for the client too: ended normally, it would pass for whole.
    if (cut) res.destroy();
    else res.end();
  }

  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}${basePath}`,
    get entries() {
      return entries;
    },
    close: async () => {
      await Promise.allSettled([...pending]);
      await new Promise<void>((resolve, reject) => {
        connections.destroyAll();
        server.close((error) => (error ? reject(error) : resolve()));
      });
    },
  };
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

function parse(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
