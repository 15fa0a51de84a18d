// Test helpers for this protocol's tests (not built into dist): fixtures, facts, replays.
import { readFileSync } from "node:fs";
import type { ExchangeFacts } from "@loom/llm-types";
import { Redactor } from "@loom/llm-utils";
import { type Replay, replayStream } from "../../shared/replay-stream.fixture.js";
import { ResponsesStreamReader } from "../stream/responses-stream-reader.js";

/** A fixture file of this folder, as bytes. */
export function fixtureBytes(name: string): Buffer {
  return readFileSync(new URL(`./${name}`, import.meta.url));
}

/** A JSON fixture of this folder, parsed. */
export function fixtureJson(name: string): Record<string, unknown> {
  return JSON.parse(fixtureBytes(name).toString("utf8"));
}

/**
 * A vercel/ai `*.chunks.txt` fixture (one event's JSON per line, several streams one after the
 * other) as the SSE streams the API sent: `event: <type>` and `data: <json>` per event, each
 * stream starting at its `response.created`.
 */
export function chunkStreams(name: string): Buffer[] {
  const streams: string[][] = [];
  for (const line of fixtureBytes(name).toString("utf8").split("\n")) {
    if (line.trim() === "") continue;
    const type = (JSON.parse(line) as { type: string }).type;
    if (type === "response.created" || streams.length === 0) streams.push([]);
    streams.at(-1)?.push(`event: ${type}\ndata: ${line}\n\n`);
  }
  return streams.map((events) => Buffer.from(events.join("")));
}

/** The facts of an exchange with these secrets to mask. */
export function factsWith(
  secrets: string[] = [],
  overrides: Partial<ExchangeFacts> = {},
): ExchangeFacts {
  const redactor = new Redactor(secrets);
  return {
    provider: "fake",
    model: "m",
    request: "POST http://127.0.0.1/v1/responses",
    requestId: undefined,
    choices: 1,
    maxBytes: 1 << 24,
    timeoutMs: 30_000,
    tools: undefined,
    responseFormat: undefined,
    lenientJson: false,
    redactor,
    redact: (text) => redactor.redact(text),
    ...overrides,
  };
}

export function replay(
  bytes: Uint8Array,
  cuts: readonly number[] = [],
  facts: ExchangeFacts = factsWith(),
  textOnly = false,
): Replay {
  return replayStream(new ResponsesStreamReader(facts, textOnly), bytes, cuts, facts.maxBytes);
}

/** SSE text of events given as objects, each with its `event:` line, as the API frames them. */
export function sse(...events: Record<string, unknown>[]): Buffer {
  return Buffer.from(
    events.map((e) => `event: ${String(e.type)}\ndata: ${JSON.stringify(e)}\n\n`).join(""),
  );
}
