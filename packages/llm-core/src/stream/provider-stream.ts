import {
  AbortError,
  APIStatusError,
  type CallInfo,
  type ChatRequest,
  type ChatStream,
  InvalidResponseError,
  type LLMResponse,
  type StreamEvent,
  TimeoutError,
} from "@loom/llm-types";
import type { HookRunner } from "../hooks/hook-runner.js";
import { CallSignal } from "../http/call-signal.js";
import { nextTurn } from "../http/next-turn.js";
import type { OpenResponse } from "../http/open-response.js";
import { readBody, readErrorBody } from "../http/read-body.js";
import { toTransportError } from "../http/to-transport-error.js";
import type { Admission } from "../limit/admission.js";
import { parseCompletion } from "../response/parse-completion.js";
import { parseJsonBody } from "../response/parse-json-body.js";
import { parseStructuredReply } from "../response/parse-structured-reply.js";
import { quoteServerText } from "../response/quote-server-text.js";
import type { ResponseMeta } from "../response/response-meta.js";
import type { AttemptProgress, Retrier } from "../retry/retrier.js";
import { SseDecoder } from "./sse-decoder.js";
import { StreamAssembler } from "./stream-assembler.js";
import { StreamAttempt } from "./stream-attempt.js";
import { StreamOutcome } from "./stream-outcome.js";

/** What a stream needs from the client that made it. */
export interface StreamSource {
  /** Sends the request (one attempt) and returns the open 2xx response. */
  open(signal: AbortSignal): Promise<OpenResponse>;
  /** Past the client's gates and a slot under its `maxConcurrency`: see `Admission`. */
  admit(signal: AbortSignal, deadline: number | undefined): Promise<Admission>;
  /** The retry state for this stream's attempts. */
  retrier(signal: AbortSignal): Retrier;
  hooks: HookRunner;
  /** Why the request was refused before anything was sent (a bad option), if it was. */
  invalid: unknown;
  request: ChatRequest;
  info: CallInfo;
  /** The longest gap between data events (keep-alive comments do not count). */
  streamIdleTimeoutMs: number;
  meta: ResponseMeta;
  signal: AbortSignal | undefined;
  deadlineMs: number | undefined;
}

type Item = string | StreamEvent;

/** The items of a body, a batch per network read, then the final response. */
type BodyReader = AsyncGenerator<Item[], LLMResponse>;

/**
 * A streamed chat completion. One iteration drives it: the text pieces (`for await ... of`) or
 * `events()`. Leaving the loop early, or `abort()`, closes the connection at once. The final
 * response promise never rejects unobserved: a stream nobody awaits cannot crash the process.
 *
 * The path, top-down: `#run` runs the hooks around the attempts and retries, and hands items to
 * the caller; `#attempt` sends one request and returns a reader of its body: an SSE body
 * (`#readEvents`) or a whole JSON body (`#readWholeBody`, for a server that ignored
 * `stream: true`). Readers produce the items of each network read as one batch, so an item
 * passes through one generator (this one), not one per level: that is per-chunk cost.
 */
export class ProviderStream implements ChatStream {
  readonly #source: StreamSource;
  readonly #signal: CallSignal;
  /** `performance.now()` by which the stream must be done (its `deadlineMs`), if it has one. */
  readonly #deadline: number | undefined;
  readonly #outcome = new StreamOutcome();
  #started = false;
  /** `#run` began (its `finally` will settle the outcome). */
  #running = false;
  /** Whether any item reached the caller: from then on nothing is retried. */
  #delivered = false;
  /** Aborts the stream when no data event arrives for `streamIdleTimeoutMs`. */
  #idle: NodeJS.Timeout | undefined;
  /**
   * When the last read with data events arrived (`performance.now()`). The idle timer reads it
   * when it fires instead of being re-armed on every read: a per-token stream makes a read per
   * event, and re-arming a timer costs more than reading the clock.
   */
  #lastData = 0;

  constructor(source: StreamSource) {
    this.#source = source;
    this.#signal = new CallSignal(source.signal, source.deadlineMs, source.meta);
    this.#deadline =
      source.deadlineMs === undefined ? undefined : performance.now() + source.deadlineMs;
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

  #start(textOnly: boolean): AsyncGenerator<Item> {
    if (this.#started) {
      throw new TypeError(
        "This stream is already being consumed: iterate it once (text or events()), and use response() for the result",
      );
    }
    this.#started = true;
    const generator = this.#run(textOnly);
    // An iterator closed before its first `next()` never runs its body (nor its `finally`):
    // settle the outcome here, or `response()` would wait forever.
    const close = generator.return.bind(generator);
    generator.return = (value) => {
      if (!this.#running) this.#abandon();
      return close(value);
    };
    return generator;
  }

  /** The stream was closed before it began: nothing was sent, no hook ran. */
  #abandon(): void {
    this.#signal.dispose();
    const meta = this.#source.meta;
    this.#outcome.reject(
      new AbortError({
        message: `${meta.request}: the stream was closed before it started`,
        provider: meta.provider,
        model: meta.model,
      }),
    );
  }

  /** The hooks around the whole stream, and the attempts until one succeeds or the error is final. */
  async *#run(textOnly: boolean): AsyncGenerator<Item> {
    this.#running = true;
    const { hooks, request, info, meta } = this.#source;
    const signal = this.#signal.signal;
    try {
      if (this.#source.invalid !== undefined) throw this.#source.invalid;
      hooks.begin(request, info);
    } catch (error) {
      // Stopped before it began (a spent budget): not a failed call, and nothing to release.
      this.#signal.dispose();
      this.#outcome.reject(error);
      throw error;
    }
    const retrier = this.#source.retrier(signal);
    let attempt: StreamAttempt | undefined;
    try {
      for (;;) {
        attempt = new StreamAttempt();
        try {
          const reader = await this.#attempt(attempt, textOnly);
          let final: LLMResponse;
          for (;;) {
            const step = await reader.next();
            if (step.done === true) {
              final = step.value;
              break;
            }
            const batch = step.value;
            for (let i = 0; i < batch.length; i++) yield batch[i] as Item;
            batch.length = 0;
          }
          final.attempts = retrier.attempts;
          attempt.outcome = {
            ...attempt.outcome,
            sent: true,
            usage: final.usage,
            model: final.model,
          };
          hooks.response(final, request, info);
          this.#outcome.resolve(final);
          if (!textOnly) yield { type: "response", response: final };
          return;
        } catch (error) {
          const progress = {
            delivered: this.#delivered,
            // The status line arrived: a transport failure from here on is not resent.
            responseStarted: attempt.response !== undefined,
          };
          const mapped = toTransportError(error, { meta, signal, ...progress });
          attempt.release();
          if (!(await this.#retryAfter(retrier, mapped, progress))) throw mapped;
        }
      }
    } catch (error) {
      // The one exit of every failure: masked before hooks, telemetry or the caller see it.
      meta.redactor.redactError(error);
      hooks.error(error, request, info);
      this.#outcome.reject(error);
      throw error;
    } finally {
      if (this.#idle !== undefined) clearTimeout(this.#idle);
      this.#signal.dispose();
      attempt?.release();
      if (!this.#outcome.settled) {
        hooks.cancel(request, info);
        this.#outcome.reject(
          new AbortError({
            message: `${meta.request}: the stream was closed before it finished`,
            provider: meta.provider,
            model: meta.model,
            requestId: meta.requestId,
          }),
        );
      }
    }
  }

  /** One attempt: a slot and the request; returns the reader of its body. */
  async #attempt(attempt: StreamAttempt, textOnly: boolean): Promise<BodyReader> {
    const signal = this.#signal.signal;
    attempt.admission = await this.#source.admit(signal, this.#deadline);
    let response: OpenResponse;
    try {
      response = await this.#source.open(signal);
    } catch (error) {
      // The server answered (a 429 counts against its limits): else nothing was sent.
      if (APIStatusError.isInstance(error))
        attempt.outcome = { sent: true, retryAfterMs: error.retryAfterMs };
      throw error;
    }
    attempt.outcome = { sent: true, headers: response.headers };
    attempt.response = response;
    const type = response.headers["content-type"];
    // The server ignored `stream: true` and answered in one body: still a valid answer.
    if (typeof type === "string" && type.toLowerCase().includes("application/json"))
      return this.#readWholeBody(attempt, response, textOnly);
    // A login page or a proxy's error page with status 200: say what came, not "bad SSE".
    if (typeof type === "string" && /^\s*text\/html/i.test(type))
      throw await notAStream(response, type, this.#source.meta);
    return this.#readEvents(attempt, response, textOnly);
  }

  /** Decodes the SSE body: the items of each read as one batch, then the final response. */
  async *#readEvents(
    attempt: StreamAttempt,
    response: OpenResponse,
    textOnly: boolean,
  ): BodyReader {
    const meta = this.#source.meta;
    this.#idle ??= this.#idleTimer();
    const assembler = new StreamAssembler(meta, textOnly);
    const decoder = new SseDecoder(meta.maxBytes, () => assembler.overflow());
    const iterator = attempt.read(response);
    const out = assembler.out;
    let seenData = 0;
    let final: LLMResponse | undefined;
    for (let finished = false; final === undefined; ) {
      const next = await iterator.next();
      if (next.done) {
        attempt.ended = true;
        decoder.end(assembler);
        await nextTurn();
        finished = true;
      } else {
        decoder.push(next.value, assembler);
        if (assembler.dataEvents !== seenData) {
          seenData = assembler.dataEvents;
          this.#lastData = performance.now();
        }
        if (assembler.done) {
          // The chunked terminator usually follows [DONE] at once: give it one turn of the
          // event loop to arrive, so the socket goes back to the pool before the caller's
          // next request (else that request opens a second connection).
          attempt.pending = iterator.next();
          attempt.ended = await endsWithinATurn(attempt.pending);
          finished = true;
        }
      }
      if (out.length > 0) {
        if (!this.#delivered) this.#firstDelivery();
        // Emptied by `#run` once it has handed every item on.
        yield out;
      }
      // The end: what was held back (text that might have begun a secret, tool calls not yet
      // reported) is handed on before the response.
      if (finished) final = assembler.finish();
    }
    if (out.length > 0) {
      if (!this.#delivered) this.#firstDelivery();
      yield out;
    }
    parseStructuredReply(final, meta);
    return final;
  }

  /** A whole JSON body, as the one batch of items a stream of it would have given. */
  async *#readWholeBody(
    attempt: StreamAttempt,
    response: OpenResponse,
    textOnly: boolean,
  ): BodyReader {
    const meta = this.#source.meta;
    const text = await readBody(response.body, response.headers["content-length"], meta);
    attempt.ended = true;
    const final = parseCompletion(parseJsonBody(text, meta), meta);
    parseStructuredReply(final, meta);
    const items: Item[] = [];
    if (textOnly) {
      if (final.content !== "") items.push(final.content);
    } else {
      // Each answer's events in turn, tagged as a stream's are when it is not the first.
      for (const answer of final.choices ?? [final]) {
        const tag = "index" in answer && answer.index !== 0 ? { choice: answer.index } : {};
        if (answer.refusal !== undefined)
          items.push({ type: "refusal", text: answer.refusal, ...tag });
        if (answer.content !== "") items.push({ type: "text", text: answer.content, ...tag });
        for (const toolCall of answer.toolCalls)
          items.push({ type: "tool-call", toolCall, ...tag });
        items.push({ type: "finish", finishReason: answer.finishReason, ...tag });
      }
      items.push({ type: "usage", usage: final.usage });
    }
    if (items.length > 0) {
      this.#firstDelivery();
      yield items;
    }
    return final;
  }

  #firstDelivery(): void {
    this.#delivered = true;
    const { hooks, request, info } = this.#source;
    hooks.firstChunk(request, info);
  }

  /** Whether to try again; an abort while waiting is reported as the abort. */
  async #retryAfter(retrier: Retrier, error: unknown, progress: AttemptProgress): Promise<boolean> {
    try {
      return await retrier.retryAfter(error, progress);
    } catch (abort) {
      throw toTransportError(abort, {
        meta: this.#source.meta,
        signal: this.#signal.signal,
        delivered: this.#delivered,
      });
    }
  }

  #idleTimer(): NodeJS.Timeout {
    const { meta, streamIdleTimeoutMs } = this.#source;
    // Keep-alive comments reset undici's body timeout, so a server can send them forever:
    // this bounds the gap between data events.
    const fire = () => {
      const quiet = performance.now() - this.#lastData;
      if (quiet < streamIdleTimeoutMs) {
        // Data came since the timer was armed: wait out the rest of the bound from it.
        this.#idle = setTimeout(fire, Math.ceil(streamIdleTimeoutMs - quiet));
        this.#idle.unref();
        return;
      }
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
    };
    this.#lastData = performance.now();
    const timer = setTimeout(fire, streamIdleTimeoutMs);
    timer.unref();
    return timer;
  }
}

/** The error for a 2xx reply to a stream that is neither SSE nor JSON, with what it began with. */
async function notAStream(
  response: OpenResponse,
  type: string,
  meta: ResponseMeta,
): Promise<InvalidResponseError> {
  const text = await readErrorBody(response.body, 4 * 1024);
  return new InvalidResponseError({
    message: `${meta.request} answered a stream with content-type ${type}, not text/event-stream: ${quoteServerText(text, meta, 200)}`,
    raw: quoteServerText(text, meta),
    provider: meta.provider,
    model: meta.model,
    requestId: meta.requestId,
  });
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
