// Test helpers shared by this package's tests (not built into dist).
import { inspect } from "node:util";
import { createFakeServer, type FakeServer, type RawReply } from "@loom/llm-testing";
import {
  type ChatModel,
  type ChatRequest,
  type LLMConfigInput,
  type LLMError,
  LLMError as LLMErrorClass,
  type StreamEvent,
  type TransportFactory,
} from "@loom/llm-types";
import { afterAll, beforeEach } from "vitest";
import { ChatClient } from "./chat-client.js";
import type { ChatClientOptions } from "./chat-client-options.js";
import { fetchTransport } from "./transport/fetch-transport.js";
import { undiciTransport } from "./transport/undici-transport.js";

/** A transport of this package, by name. */
export type TransportName = "undici" | "fetch";

/**
 * Each transport of this package: undici's (Node's default) and the runtime's fetch (every other
 * runtime's default), for tests of what must hold over either.
 */
export const TRANSPORTS: Readonly<Record<TransportName, TransportFactory>> = {
  undici: undiciTransport,
  fetch: fetchTransport,
};

/** The names of `TRANSPORTS`, for `describe.each`. */
export const TRANSPORT_NAMES: readonly TransportName[] = ["undici", "fetch"];

/** The smallest request. */
export const hello: ChatRequest = { messages: [{ role: "user", content: "hello" }] };

/** The `LLMError` a call or stream failed with; any other outcome fails the test. */
export async function failure(run: Promise<unknown> | (() => Promise<unknown>)): Promise<LLMError> {
  try {
    await (typeof run === "function" ? run() : run);
  } catch (error) {
    if (LLMErrorClass.isInstance(error)) return error;
    throw error;
  }
  throw new Error("expected a failure");
}

/** Waits (bounded) for a condition the server sees a moment after the client acts. */
export async function until(condition: () => boolean, timeoutMs = 2_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!condition() && Date.now() < end) await new Promise((resolve) => setTimeout(resolve, 5));
}

/**
 * A fake server and a client of it for one test file: closed after the file, the server's
 * script and log reset before each test. Retries are off: these tests map one response each.
 */
export async function serverAndClient(
  config: Partial<LLMConfigInput> = {},
  options: ChatClientOptions = {},
): Promise<{ server: FakeServer; llm: ChatClient }> {
  const server = await createFakeServer();
  const llm = new ChatClient(
    {},
    { baseUrl: server.baseUrl, model: "test-model", provider: "fake", maxRetries: 0, ...config },
    options,
  );
  afterAll(async () => {
    await llm.close();
    await server.close();
  });
  beforeEach(() => server.reset());
  return { server, llm };
}

/** The text pieces of one stream. */
export async function texts(llm: ChatModel, request: ChatRequest = hello): Promise<string[]> {
  const pieces: string[] = [];
  for await (const piece of llm.stream(request)) pieces.push(piece);
  return pieces;
}

/** Every event of one stream. */
export async function events(llm: ChatModel, request: ChatRequest = hello): Promise<StreamEvent[]> {
  const all: StreamEvent[] = [];
  for await (const event of llm.stream(request).events()) all.push(event);
  return all;
}

/** A raw reply: bytes as given, in separate writes (with optional pauses between them). */
export function raw(...chunks: (string | Uint8Array | { delayMs: number })[]): RawReply {
  return { type: "raw", chunks };
}

/** One SSE data event. */
export const data = (json: object): string => `data: ${JSON.stringify(json)}\n\n`;

/**
 * Cuts anything sliceable (bytes, text) at the given points, taken modulo its length: any point,
 * even inside a character or a CRLF. For property tests of how input is split.
 */
export function splitAt<T extends { length: number; slice(start: number, end?: number): T }>(
  whole: T,
  cuts: readonly number[],
): T[] {
  const points = [...new Set(cuts.map((c) => c % (whole.length + 1)))].sort((a, b) => a - b);
  const pieces: T[] = [];
  let from = 0;
  for (const point of points) {
    pieces.push(whole.slice(from, point));
    from = point;
  }
  pieces.push(whole.slice(from));
  return pieces;
}

/** Everything an error can print, down its cause chain: String, JSON, util.inspect, stack. */
export function printed(error: unknown): string {
  const parts: string[] = [];
  for (let e: unknown = error, depth = 0; e !== undefined && e !== null && depth < 10; depth++) {
    parts.push(String(e), inspect(e, { depth: 10, showHidden: true }));
    try {
      parts.push(JSON.stringify(e) ?? "");
    } catch {
      // circular causes are fine
    }
    if (e instanceof Error) parts.push(e.message, e.stack ?? "");
    e = (e as { cause?: unknown }).cause;
  }
  return parts.join("\n");
}
