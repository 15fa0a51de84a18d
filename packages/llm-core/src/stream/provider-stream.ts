import {
  AbortError,
  type ChatStream,
  type LLMResponse,
  type StreamEvent,
  TimeoutError,
} from "@loom/llm-types";
import { CallSignal } from "../http/call-signal.js";
import { nextTurn } from "../http/next-turn.js";
import { readBody } from "../http/read-body.js";
import { toTransportError } from "../http/to-transport-error.js";
import type { OpenResponse } from "../llm-provider.js";
import { applyResponseFormat } from "../response/apply-response-format.js";
import { parseCompletion } from "../response/parse-completion.js";
import { parseJsonBody } from "../response/parse-json-body.js";
import type { ResponseMeta } from "../response/response-meta.js";
import type { Retrier } from "../retry/retrier.js";
import { SseDecoder } from "./sse-decoder.js";
import { StreamAssembler } from "./stream-assembler.js";
import { StreamOutcome } from "./stream-outcome.js";

/** What a stream needs from its provider. */
export interface StreamSource {
  /** Sends the request (one attempt) and returns the open 2xx response. */
  open(signal: AbortSignal): Promise<OpenResponse>;
  /** Runs before the request is sent; may throw to stop it. */
  begin(): void;
  /** Runs when the final response is assembled, before anyone sees it. */
  end(response: LLMResponse): void;
  /** Runs when the stream failed. */
  fail(error: unknown): void;
  /** Runs when the first chunk reaches the caller. */
  firstChunk(): void;
  /** Runs when the caller leaves the stream before it finished, without error. */
  cancel(): void;
  /** A slot under the provider's `maxConcurrency`; its release, or none without a limit. */
  acquire(signal: AbortSignal): Promise<(() => void) | undefined>;
  /** The retry state for this stream's attempts. */
  retrier(signal: AbortSignal): Retrier;
  /** The longest gap between data events (keep-alive comments do not count). */
  streamIdleTimeoutMs: number;
  meta: ResponseMeta;
  signal: AbortSignal | undefined;
  deadlineMs: number | undefined;
  timeoutMs: number;
}

// After `[DONE]` the rest of a response is normally just the chunked terminator: read up to
// this much, for this long, so the socket goes back to the pool; past that, close it.
const DRAIN_LIMIT_BYTES = 64 * 1024;
const DRAIN_TIMEOUT_MS = 1_000;

const noop = (): void => {};

/**
 * A streamed chat completion. One iteration drives it: the text pieces (`for await ... of`) or
 * `events()`. Leaving the loop early, or `abort()`, closes the connection at once. The final
 * response promise never rejects unobserved: a stream nobody awaits cannot crash the process.
 */
export class ProviderStream implements ChatStream {
  readonly #source: StreamSource;
  readonly #signal: CallSignal;
  #started = false;
  readonly #outcome = new StreamOutcome();

  constructor(source: StreamSource) {
    this.#source = source;
    this.#signal = new CallSignal(source.signal, source.deadlineMs, source.meta);
  }

  [Symbol.asyncIterator](): AsyncIterator<string> {
    return this.#start(true) as AsyncGenerator<string>;
  }

  events(): AsyncIterable<StreamEvent> {
    return { [Symbol.asyncIterator]: () => this.#start(false) as AsyncGenerator<StreamEvent> };
  }

  /** The final response; consumes the stream itself if nobody iterates it in the current turn. */
  response(): Promise<LLMResponse> {
    if (!this.#started)
      this.#outcome.drainSoon(
        () => this.#started,
        () => this.#start(false),
      );
    return this.#outcome.promise();
  }

  abort(reason?: unknown): void {
    this.#signal.abort(
      reason ??
        new AbortError({
          message: `${this.#source.meta.request}: the stream was aborted`,
          provider: this.#source.meta.provider,
          model: this.#source.meta.model,
        }),
    );
  }

  #start(textOnly: boolean): AsyncGenerator<string | StreamEvent> {
    if (this.#started) {
      throw new TypeError(
        "This stream is already being consumed: iterate it once (text or events()), and use response() for the result",
      );
    }
    this.#started = true;
    return this.#run(textOnly);
  }

  async *#run(textOnly: boolean): AsyncGenerator<string | StreamEvent> {
    const source = this.#source;
    const { meta, timeoutMs } = source;
    const signal = this.#signal.signal;
    const retrier = source.retrier(signal);
    // A call stopped before it began (a spent budget) is not a failed call.
    let begun = false;
    let delivered = false;
    // The current attempt's response, its reader, and whether its body was fully read.
    let response: OpenResponse | undefined;
    let iterator: AsyncIterator<Buffer> | undefined;
    let pending: Promise<IteratorResult<Buffer>> | undefined;
    let ended = false;
    let releaseSlot: (() => void) | undefined;
    // Keep-alive comments reset undici's body timeout, so a server can send them forever:
    // this bounds the gap between data events (reliability.md).
    let idle: NodeJS.Timeout | undefined;
    try {
      source.begin();
      begun = true;
      for (;;) {
        const assembler = new StreamAssembler(meta, textOnly);
        try {
          releaseSlot = await source.acquire(signal);
          response = await source.open(signal);
          const type = response.headers["content-type"];
          if (typeof type === "string" && type.includes("application/json")) {
            // The server ignored `stream: true` and answered in one body: still a valid answer.
            yield* this.#fromWholeBody(response, textOnly);
            ended = true;
            return;
          }
          idle ??= this.#idleTimer();
          const out = assembler.out;
          const decoder = new SseDecoder(meta.maxBytes, () => assembler.overflow());
          iterator = response.body[Symbol.asyncIterator]();
          let seenData = 0;
          for (;;) {
            const next = await iterator.next();
            if (next.done) {
              ended = true;
              decoder.end(assembler);
              await nextTurn();
              break;
            }
            decoder.push(next.value, assembler);
            if (assembler.dataEvents !== seenData) {
              seenData = assembler.dataEvents;
              idle.refresh();
            }
            if (out.length > 0) {
              if (!delivered) {
                delivered = true;
                source.firstChunk();
              }
              for (let i = 0; i < out.length; i++) yield out[i] as string | StreamEvent;
              out.length = 0;
            }
            if (assembler.done) {
              // The chunked terminator usually follows [DONE] at once: give it one turn of the
              // event loop to arrive, so the socket goes back to the pool before the caller's
              // next request (else that request opens a second connection).
              pending = iterator.next();
              ended = await endsWithinATurn(pending);
              break;
            }
          }
          for (const item of out) yield item;
          out.length = 0;
          const final = assembler.finish();
          applyResponseFormat(final, meta);
          final.attempts = retrier.attempts;
          source.end(final);
          this.#outcome.resolve(final);
          if (!textOnly) yield { type: "response", response: final };
          return;
        } catch (error) {
          const mapped = toTransportError(error, { meta, signal, timeoutMs, delivered });
          // Nothing is retried once a chunk reached the caller: it would see text twice.
          if (delivered) throw mapped;
          if (response !== undefined && !ended) response.body.destroy();
          response = undefined;
          releaseSlot?.();
          releaseSlot = undefined;
          let again: boolean;
          try {
            again = await retrier.retryAfter(mapped);
          } catch (abort) {
            throw toTransportError(abort, { meta, signal, timeoutMs, delivered });
          }
          if (!again) throw mapped;
        }
      }
    } catch (error) {
      if (begun) source.fail(error);
      this.#outcome.reject(error);
      throw error;
    } finally {
      if (idle !== undefined) clearTimeout(idle);
      this.#signal.dispose();
      releaseSlot?.();
      if (!this.#outcome.settled) {
        if (begun) source.cancel();
        this.#outcome.reject(
          new AbortError({
            message: `${meta.request}: the stream was closed before it finished`,
            provider: meta.provider,
            model: meta.model,
            requestId: meta.requestId,
          }),
        );
      }
      if (response !== undefined && !ended) release(response, iterator, pending);
    }
  }

  /** Aborts the stream when no data event arrives for `streamIdleTimeoutMs`. */
  #idleTimer(): NodeJS.Timeout {
    const { meta, streamIdleTimeoutMs } = this.#source;
    const timer = setTimeout(() => {
      this.#signal.abort(
        new TimeoutError({
          timeoutMs: streamIdleTimeoutMs,
          phase: "idle",
          message: `${meta.request}: no data for ${streamIdleTimeoutMs} ms (keep-alive comments do not count)`,
          // The stream is aborted to stop it, so it cannot be tried again on the same signal.
          retryable: false,
          provider: meta.provider,
          model: meta.model,
          requestId: meta.requestId,
        }),
      );
    }, streamIdleTimeoutMs);
    timer.unref();
    return timer;
  }

  async *#fromWholeBody(
    response: OpenResponse,
    textOnly: boolean,
  ): AsyncGenerator<string | StreamEvent> {
    const { meta } = this.#source;
    const text = await readBody(response.body, response.headers["content-length"], meta);
    const final = parseCompletion(parseJsonBody(text, meta), meta);
    applyResponseFormat(final, meta);
    this.#source.end(final);
    this.#outcome.resolve(final);
    this.#source.firstChunk();
    if (final.content !== "")
      yield textOnly ? final.content : { type: "text", text: final.content };
    if (textOnly) return;
    for (const toolCall of final.toolCalls) yield { type: "tool-call", toolCall };
    yield { type: "finish", finishReason: final.finishReason };
    yield { type: "usage", usage: final.usage };
    yield { type: "response", response: final };
  }
}

/**
 * Whether `next` reports the end of the body within one turn of the event loop; if it does, the
 * turn is waited out so the socket is back in the pool (see `nextTurn`).
 */
async function endsWithinATurn(next: Promise<IteratorResult<Buffer>>): Promise<boolean> {
  const turn = nextTurn();
  const result = await Promise.race([next, turn]);
  if (result?.done !== true) return false;
  await turn;
  return true;
}

/**
 * Gives the connection back. After `[DONE]` (`pending` is the read already begun) the rest is
 * drained in the background so the socket can be reused; a stream left early (break, abort,
 * error) closes its socket at once.
 */
function release(
  response: OpenResponse,
  iterator: AsyncIterator<Buffer> | undefined,
  pending: Promise<IteratorResult<Buffer>> | undefined,
): void {
  const body = response.body;
  if (pending === undefined || iterator === undefined) {
    body.destroy();
    return;
  }
  const timer = setTimeout(() => body.destroy(), DRAIN_TIMEOUT_MS);
  timer.unref();
  void (async () => {
    let bytes = 0;
    for (let next = pending; ; next = iterator.next()) {
      const result = await next;
      if (result.done) return;
      bytes += result.value.length;
      if (bytes > DRAIN_LIMIT_BYTES) {
        body.destroy();
        return;
      }
    }
  })()
    .catch(noop)
    .finally(() => clearTimeout(timer));
}
