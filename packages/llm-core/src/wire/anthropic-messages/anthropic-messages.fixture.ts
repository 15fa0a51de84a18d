// Test helpers of the Messages wire (not built into dist): facts, recorded fixtures as SSE
// bytes, and a replay of bytes through the project's SSE decoder and the stream reader.
import { readFileSync } from "node:fs";
import type { ExchangeFacts, ResponseFormat, ToolDefinition } from "@loom/llm-types";
import { Redactor } from "@loom/llm-utils";
import { type Replay, replayStream } from "../shared/replay-stream.fixture.js";
import { MessageStreamReader } from "./stream/message-stream-reader.js";

/** The facts of one exchange, with the secrets to mask and the request's format and tools. */
export function facts(
  options: {
    secrets?: string[];
    responseFormat?: ResponseFormat;
    tools?: ToolDefinition[];
    maxBytes?: number;
  } = {},
): ExchangeFacts {
  const redactor = new Redactor(options.secrets ?? []);
  return {
    provider: "anthropic",
    model: "claude-test",
    request: "POST https://api.anthropic.com/v1/messages",
    requestId: undefined,
    choices: 1,
    maxBytes: options.maxBytes ?? 1 << 20,
    timeoutMs: 30_000,
    tools: options.tools,
    responseFormat: options.responseFormat,
    lenientJson: false,
    redactor,
    redact: (text) => redactor.redact(text),
  };
}

/** A fixture file's text (see `__fixtures__/README.md` for where each comes from). */
export function fixture(name: string): string {
  return readFileSync(new URL(`./__fixtures__/${name}`, import.meta.url), "utf8");
}

/** A fixture's parsed JSON. */
export function jsonFixture(name: string): unknown {
  return JSON.parse(fixture(name));
}

/**
 * A fixture as the SSE bytes Anthropic sends: a `.sse` file as it is; a `.chunks.txt` file (one
 * event's JSON per line, as vercel/ai records them) with each line under its `event:` name.
 */
export function sseBytes(name: string): Buffer {
  const text = fixture(name);
  if (name.endsWith(".sse")) return Buffer.from(text);
  const events = text
    .split("\n")
    .filter((line) => line.trim() !== "")
    .map((line) => `event: ${(JSON.parse(line) as { type: string }).type}\ndata: ${line}\n\n`);
  return Buffer.from(events.join(""));
}

export function replay(
  bytes: Buffer,
  cuts: readonly number[],
  exchange: ExchangeFacts = facts(),
  textOnly = false,
): Replay {
  return replayStream(new MessageStreamReader(exchange, textOnly), bytes, cuts, exchange.maxBytes);
}

/**
 * The message a stream's events add up to, assembled the plain way Anthropic's streaming guide
 * describes (each block from its start, deltas appended, inputs parsed at the end, the latest
 * usage): the oracle a streamed answer is compared with, as the non-streamed body of the same
 * answer.
 */
export function accumulate(bytes: Buffer): Record<string, unknown> {
  type Block = Record<string, unknown>;
  interface Event {
    type: string;
    index: number;
    message: Block;
    content_block: Block;
    delta: Record<string, string>;
    usage: Block;
  }
  const events = bytes
    .toString("utf8")
    .split(/\r\n|\r|\n/)
    .filter((line) => line.startsWith("data:"))
    .map((line) => JSON.parse(line.slice(5)) as Event);
  let message: Block = {};
  const content: Block[] = [];
  const json: string[] = [];
  for (const event of events) {
    if (event.type === "message_start") message = { ...event.message };
    if (event.type === "content_block_start") content[event.index] = { ...event.content_block };
    if (event.type === "content_block_delta") {
      const block = content[event.index] ?? {};
      const delta = event.delta;
      if (delta.type === "text_delta") block.text = `${block.text ?? ""}${delta.text}`;
      if (delta.type === "thinking_delta")
        block.thinking = `${block.thinking ?? ""}${delta.thinking}`;
      if (delta.type === "signature_delta")
        block.signature = `${block.signature ?? ""}${delta.signature}`;
      if (delta.type === "input_json_delta")
        json[event.index] = `${json[event.index] ?? ""}${delta.partial_json}`;
      if (delta.type === "citations_delta")
        block.citations = [...((block.citations as unknown[] | undefined) ?? []), delta.citation];
    }
    if (event.type === "message_delta") {
      message.stop_reason = event.delta.stop_reason;
      message.usage = { ...(message.usage as Block | undefined), ...event.usage };
    }
  }
  content.forEach((block, index) => {
    const text = json[index];
    if (text !== undefined && text.trim() !== "") block.input = JSON.parse(text);
    else if (block.type === "tool_use" && block.input === undefined) block.input = {};
  });
  return { ...message, content };
}
