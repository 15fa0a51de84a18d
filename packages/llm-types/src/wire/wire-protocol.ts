import type { ChatRequest } from "../chat-request.js";
import type { LLMConfig } from "../config/llm-config.js";
import type { LLMError } from "../errors/llm-error.js";
import type { LLMResponse } from "../llm-response.js";
import type { StreamEvent } from "../stream-event.js";
import type { Usage } from "../usage.js";
import type { ExchangeFacts } from "./exchange-facts.js";
import type { ProtocolName } from "./protocol-name.js";

/**
 * A wire protocol: how a `ChatRequest` becomes an HTTP request, and how what comes back (a
 * body, a stream of server-sent events, an error) becomes Loom's responses, stream events and
 * typed errors. Everything else about an exchange (gates, retries, timeouts, redaction of
 * errors, hooks) is the same for every protocol and lives above it.
 */
export interface WireProtocol {
  readonly name: ProtocolName;
  /** The path of a chat request below the base URL (`/chat/completions`). */
  readonly path: string;
  /** The headers every request of a client carries: content type, accept, credentials. */
  headers(config: LLMConfig, stream: boolean): Record<string, string>;
  /** The JSON body of one request. */
  body(config: LLMConfig, request: ChatRequest, stream: boolean): Record<string, unknown>;
  /**
   * The most completion tokens the body asks for (undefined when it sets no limit): what the
   * gates count against a token or cost budget before the request is sent. A protocol that
   * always sends a limit (Anthropic's `max_tokens`) says which one.
   */
  maxOutputTokens(config: LLMConfig, request: ChatRequest): number | undefined;
  /** The response in a whole JSON body (already parsed). */
  parseResponse(body: unknown, facts: ExchangeFacts): LLMResponse;
  /** A reader of one streamed response's events (`textOnly`: the items are text pieces alone). */
  streamReader(facts: ExchangeFacts, textOnly: boolean): WireStreamReader;
  /** The typed error for a non-2xx status, from its body (masked already). */
  statusError(status: StatusReply, facts: ExchangeFacts): LLMError;
}

/** A non-2xx reply, as a wire protocol turns it into an error. */
export interface StatusReply {
  readonly status: number;
  /** The body as text, masked, at most 64 KiB. */
  readonly body: string;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  /** `Retry-After` (or its kin) in milliseconds, when the server sent one. */
  readonly retryAfterMs: number | undefined;
  /** What to tell a user who got 401 (which key was sent, or that none was). */
  readonly hint: string | undefined;
}

/**
 * Turns a stream's server-sent events into stream items and, at the end, the response. Items
 * are collected in `out` and handed on (and `out` emptied) after each network read.
 */
export interface WireStreamReader {
  /** Items decoded but not yet handed on: text pieces (text mode) or events. */
  readonly out: (string | StreamEvent)[];
  /** The protocol's end of stream was seen: stop reading. */
  readonly done: boolean;
  /** Data events seen (keep-alive comments excluded): progress, for the idle timer. */
  readonly dataEvents: number;
  /**
   * The server sent part of the answer (text, reasoning, a refusal, tool-call arguments),
   * handed on or still held back (masking holds an end that could begin a secret): the request
   * is never resent from then on, whatever ends the stream.
   */
  readonly answerBegan?: boolean;
  /**
   * The usage the server reported so far (undefined before any): what it billed when the stream
   * fails or is left after it came. Read only then, so it may be built on each read.
   */
  readonly usage?: Usage | undefined;
  /** One event: its data lines joined, and its `event:` name if any. */
  onData(data: string, event: string | undefined): void;
  /** A comment line (`: keep-alive`). */
  onComment(): void;
  /** The error for one event larger than `maxBytes`. */
  overflow(): Error;
  /** The final response; throws when the stream was cut short. May add last items to `out`. */
  finish(): LLMResponse;
}
