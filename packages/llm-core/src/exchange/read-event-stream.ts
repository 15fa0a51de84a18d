import {
  type ExchangeFacts,
  InvalidResponseError,
  type LLMResponse,
  type StreamEvent,
  TimeoutError,
  type TransportResponse,
  type Usage,
  type WireStreamReader,
} from "@loom/llm-types";
import { nextTurn, poolTurn } from "../http/next-turn.js";
import { readBody, readErrorBody } from "../http/read-body.js";
import { parseJsonBody } from "../response/parse-json-body.js";
import { parseStructuredReply } from "../response/parse-structured-reply.js";
import { quoteServerText } from "../response/quote-server-text.js";
import { SseDecoder } from "../stream/sse-decoder.js";
import type { Attempt } from "./attempt.js";
import type { CallContext } from "./call-context.js";

/** What a stream hands its caller: text pieces (text mode) or events. */
export type Item = string | StreamEvent;

/**
 * How a stream reads the body of each attempt: server-sent events decoded and handed to the
 * wire protocol's reader, the items of each network read as one batch; a whole JSON body (a
 * server that ignored `stream: true`) as the one batch a stream of it would have given. It also
 * bounds the gap between data events (`streamIdleTimeoutMs`) over the whole stream.
 */
export class EventStreamReading {
  readonly #ctx: CallContext;
  readonly #textOnly: boolean;
  /** Aborts the stream when no data event arrives for `streamIdleTimeoutMs`. */
  #idle: ReturnType<typeof setTimeout> | undefined;
  /**
   * When the last read with data events arrived (`performance.now()`). The idle timer reads it
   * when it fires instead of being re-armed on every read: a per-token stream makes a read per
   * event, and re-arming a timer costs more than reading the clock.
   */
  #lastData = 0;
  /** The reader of the attempt being read, for what it reported (`usage`). */
  #reader: WireStreamReader | undefined;

  constructor(ctx: CallContext, textOnly: boolean) {
    this.#ctx = ctx;
    this.#textOnly = textOnly;
  }

  /**
   * Reads one attempt's open response: batches of items, then the final response. The reader
   * for the body's kind itself, not a generator delegating to it: each level of `yield*` costs
   * every network read of a stream a few promises more.
   */
  read(attempt: Attempt, response: TransportResponse): AsyncGenerator<Item[], LLMResponse> {
    const type = response.headers["content-type"];
    // The server ignored `stream: true` and answered in one body: still a valid answer.
    if (typeof type === "string" && type.toLowerCase().includes("application/json"))
      return this.#whole(attempt, response);
    // A login page or a proxy's error page with status 200: say what came, not "bad SSE".
    if (typeof type === "string" && /^\s*text\/html/i.test(type))
      return refuse(response, type, this.#ctx.facts);
    return this.#events(attempt, response);
  }

  /**
   * The usage the server reported in the attempt being read, when it reported any: what it
   * billed, if that attempt fails or is left before its end (read only then).
   */
  get usage(): Usage | undefined {
    return this.#reader?.usage;
  }

  /**
   * Ends what the stream set up: the idle timer, and the attempt's reader (its `usage` is that
   * attempt's, never the next one's). The exchange calls it when an attempt fails too: the wait
   * before the next attempt is no gap between events, and that attempt's read arms a timer of
   * its own.
   */
  dispose(): void {
    this.#clearIdle();
    this.#reader = undefined;
  }

  #clearIdle(): void {
    if (this.#idle !== undefined) clearTimeout(this.#idle);
    this.#idle = undefined;
  }

  /** An attempt's read begins: the idle bound counts from now. */
  #armIdle(what?: string): void {
    this.#clearIdle();
    this.#idle = this.#idleTimer(what);
  }

  async *#events(
    attempt: Attempt,
    response: TransportResponse,
  ): AsyncGenerator<Item[], LLMResponse> {
    const ctx = this.#ctx;
    const facts = ctx.facts;
    this.#armIdle();
    const reader = ctx.client.wire.protocol.streamReader(facts, this.#textOnly);
    this.#reader = reader;
    const decoder = new SseDecoder(facts.maxBytes, () => reader.overflow());
    const iterator = attempt.read(response);
    const out = reader.out;
    let seenData = 0;
    let final: LLMResponse | undefined;
    /** The rest of a read whose start was decoded alone, to hand the first items on sooner. */
    let rest: Uint8Array | undefined;
    while (final === undefined) {
      const next: IteratorResult<Uint8Array> =
        rest === undefined ? await iterator.next() : { done: false, value: rest };
      rest = undefined;
      let finished = false;
      if (next.done === true) {
        attempt.ended = true;
        decoder.end(reader);
        const turn = poolTurn(ctx.client.transport);
        if (turn !== undefined) await turn;
        finished = true;
      } else {
        let bytes = next.value;
        // Until the first item reached the caller, a large read (a client behind a server that
        // flushes per token reads hundreds of events at once) is decoded a slice at a time, so
        // the first token waits for its slice, not for the whole read.
        if (!ctx.delivered && bytes.length > FIRST_SLICE_BYTES) {
          rest = bytes.subarray(FIRST_SLICE_BYTES);
          bytes = bytes.subarray(0, FIRST_SLICE_BYTES);
        }
        try {
          decoder.push(bytes, reader);
        } catch (error) {
          // The answer had begun in this very read (text, then an error event): not resent,
          // however the network happened to cut the bytes, and whether or not its text was
          // held back by masking (it could have begun a secret).
          if (out.length > 0 || reader.answerBegan === true) ctx.answerBegan = true;
          // What came before the error is handed on first, as it would have been had the
          // network cut the bytes between the two: paid for, and never asked for again.
          if (out.length > 0) {
            ctx.deliver();
            yield out;
          }
          throw error;
        }
        if (reader.answerBegan === true) ctx.answerBegan = true;
        if (reader.dataEvents !== seenData) {
          seenData = reader.dataEvents;
          this.#lastData = performance.now();
        }
        if (reader.done) {
          // The chunked terminator usually follows the end at once: give it one turn of the
          // event loop to arrive, so the connection goes back to the pool before the caller's
          // next request (else that request opens a second connection).
          attempt.pending = iterator.next();
          attempt.ended = await endsWithinATurn(attempt.pending);
          finished = true;
        }
      }
      if (out.length > 0) {
        ctx.deliver();
        // Emptied once every item was handed on.
        yield out;
      }
      // The end: what was held back (text that might have begun a secret, tool calls not yet
      // reported) is handed on before the response.
      if (finished) final = reader.finish();
    }
    attempt.answered(final);
    if (out.length > 0) {
      ctx.deliver();
      yield out;
    }
    parseStructuredReply(final, facts);
    return final;
  }

  /** A whole JSON body, as the one batch of items a stream of it would have given. */
  async *#whole(
    attempt: Attempt,
    response: TransportResponse,
  ): AsyncGenerator<Item[], LLMResponse> {
    const ctx = this.#ctx;
    const facts = ctx.facts;
    // One piece of the answer: it arrives whole within `streamIdleTimeoutMs`, as the gap
    // between two events must (whitespace a server drips to keep the connection open counts
    // for nothing, as keep-alive comments do); each read is bounded by `timeoutMs` too.
    this.#armIdle("the JSON answer (the server ignored stream: true) did not arrive whole within");
    const text = await readBody(response.body, response.headers["content-length"], facts, false);
    attempt.ended = true;
    const final = ctx.client.wire.protocol.parseResponse(parseJsonBody(text, facts), facts);
    attempt.answered(final);
    parseStructuredReply(final, facts);
    const items = itemsOf(final, this.#textOnly);
    if (items.length > 0) {
      ctx.deliver();
      yield items;
    }
    return final;
  }

  #idleTimer(what = "no data for"): ReturnType<typeof setTimeout> {
    const ctx = this.#ctx;
    const facts = ctx.facts;
    const idleMs = ctx.client.config.streamIdleTimeoutMs;
    // Our transports' sockets keep the process up while a stream waits; a transport of the
    // caller's may hold nothing that does: then the timer must, or the process exits mid-call.
    const keepAlive = ctx.client.transport.settlesItself !== true;
    // Keep-alive comments reset the transport's read timeout, so a server can send them
    // forever: this bounds the gap between data events.
    const fire = () => {
      const quiet = performance.now() - this.#lastData;
      if (quiet < idleMs) {
        // Data came since the timer was armed: wait out the rest of the bound from it.
        this.#idle = setTimeout(fire, Math.ceil(idleMs - quiet));
        if (!keepAlive) this.#idle.unref?.();
        return;
      }
      ctx.callSignal?.abort(
        new TimeoutError({
          timeoutMs: idleMs,
          phase: "idle",
          message: `${facts.request}: ${what} ${idleMs} ms (keep-alive comments do not count)`,
          // The stream is aborted to stop it, so it cannot be tried again on the same signal.
          retryable: false,
          provider: facts.provider,
          model: facts.model,
          requestId: facts.requestId,
        }),
      );
    };
    this.#lastData = performance.now();
    const timer = setTimeout(fire, idleMs);
    if (!keepAlive) timer.unref?.();
    return timer;
  }
}

/** Each answer's events in turn, tagged as a stream's are when it is not the first. */
function itemsOf(final: LLMResponse, textOnly: boolean): Item[] {
  const items: Item[] = [];
  if (textOnly) {
    if (final.content !== "") items.push(final.content);
    return items;
  }
  for (const answer of final.choices ?? [final]) {
    const tag = "index" in answer && answer.index !== 0 ? { choice: answer.index } : {};
    if (answer.refusal !== undefined) items.push({ type: "refusal", text: answer.refusal, ...tag });
    if (answer.content !== "") items.push({ type: "text", text: answer.content, ...tag });
    for (const toolCall of answer.toolCalls) items.push({ type: "tool-call", toolCall, ...tag });
    items.push({ type: "finish", finishReason: answer.finishReason, ...tag });
  }
  items.push({ type: "usage", usage: final.usage });
  return items;
}

/** A reply that is no stream, read as one: it throws why (`notAStream`) when read. */
// biome-ignore lint/correctness/useYield: it yields nothing, it only fails as a reader does.
async function* refuse(
  response: TransportResponse,
  type: string,
  facts: ExchangeFacts,
): AsyncGenerator<Item[], LLMResponse> {
  throw await notAStream(response, type, facts);
}

/** The error for a 2xx reply to a stream that is neither SSE nor JSON, with what it began with. */
async function notAStream(
  response: TransportResponse,
  type: string,
  facts: ExchangeFacts,
): Promise<InvalidResponseError> {
  const text = await readErrorBody(response.body, 4 * 1024);
  return new InvalidResponseError({
    message: `${facts.request} answered a stream with content-type ${type}, not text/event-stream: ${quoteServerText(text, facts, 200)}`,
    raw: quoteServerText(text, facts),
    provider: facts.provider,
    model: facts.model,
    requestId: facts.requestId,
  });
}

/** How much of a read is decoded before the first items are handed on (see `#events`). */
const FIRST_SLICE_BYTES = 4_096;

/**
 * Whether `next` reports the end of the body within one turn of the event loop; if it does, the
 * turn is waited out so the connection is back in the pool (see `nextTurn`).
 */
async function endsWithinATurn(next: Promise<IteratorResult<Uint8Array>>): Promise<boolean> {
  const turn = nextTurn();
  const result = await Promise.race([next, turn]);
  if (result?.done !== true) return false;
  await turn;
  return true;
}
