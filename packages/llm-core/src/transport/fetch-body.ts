import type { ResponseBody } from "@loom/llm-types";
import { CoarseTimeout } from "../runtime/coarse-timeout.js";
import type { InFlightRequest } from "./in-flight-request.js";
import { bodyTimeout } from "./transport-timeout.js";

const DONE: IteratorReturnResult<undefined> = { done: true, value: undefined };
/** The statuses whose responses have no body (the Fetch standard's "null body status"). */
const NULL_BODY_STATUSES: ReadonlySet<number> = new Set([101, 103, 204, 205, 304]);
const noop = (): void => {};
/**
 * One decoder for every body (decoding a whole buffer keeps no state). A leading byte order
 * mark is kept, the body as sent; parsing it as JSON skips one (`parseJsonBody`).
 */
const UTF8 = new TextDecoder("utf-8", { ignoreBOM: true });

/**
 * A fetch response's body (a web `ReadableStream`) as the transport contract reads it: chunks
 * through the stream's reader, `text()`, `destroy()`. Fetch has no read timeout of its own: a
 * read that waits `timeoutMs` for data fails with a body timeout, as undici's `bodyTimeout`
 * does. Only time a read spends waiting counts, so a caller slow to ask for the next chunk is
 * not taken for a silent server. Read once, one read at a time (as `for await` reads).
 *
 * A failure (the network's, the timeout, `destroy(error)`, the request aborted by the caller or
 * `close()`) rejects the read waiting at once, with the reason the request was aborted for when
 * it was (see `InFlightRequest.failure`), aborts the request, which closes its connection, and
 * cancels the reader. Not left to the runtime: Deno's fetch stops passing an abort on to a body
 * once its `Response` was garbage-collected, so the `Response` is kept here as long as the body
 * and an abort cancels the reader itself.
 */
export class FetchBody implements ResponseBody, AsyncIterator<Uint8Array> {
  /** Taken by the first `next()`: `text()` before any lets the runtime read the body natively. */
  #reader: ReadableStreamDefaultReader<Uint8Array> | undefined;
  /** Held so the runtime keeps the link from the request's signal to the body (see above). */
  readonly #response: Response;
  readonly #request: InFlightRequest;
  readonly #timeoutMs: number;
  #done = false;
  #error: unknown;
  #failed = false;
  /** When the read now waiting began (`performance.now()`); `undefined` while none waits. */
  #readSince: number | undefined;
  /** Rejects the read now waiting. */
  #rejectRead: ((error: unknown) => void) | undefined;
  /**
   * Checks the read gap. One timer per body, armed by the first read and re-armed only when it
   * fires: a per-token stream makes a read per event, and re-arming a timer each time costs
   * more than reading the clock.
   */
  #timer: CoarseTimeout | undefined;

  /**
   * `response.body` is not touched here: Bun makes a JavaScript stream of a body when it is
   * asked for, and reads it through that stream from then on, even for `arrayBuffer()`
   * (measured with bare fetch on Bun 1.4: 146 µs a call against 132). A reply whose status
   * has no body (a 204, a 304) is done at once, read or not, as the request it answers.
   */
  constructor(response: Response, request: InFlightRequest, timeoutMs: number) {
    this.#response = response;
    this.#request = request;
    this.#timeoutMs = timeoutMs;
    if (NULL_BODY_STATUSES.has(response.status)) this.#finish();
    else request.onAbort = this.#onAbort;
  }

  /** The response this body is of. */
  get response(): Response {
    return this.#response;
  }

  readonly #onAbort = (reason: unknown): void => this.#fail(reason);

  [Symbol.asyncIterator](): this {
    return this;
  }

  next(): Promise<IteratorResult<Uint8Array>> {
    if (this.#failed) return Promise.reject(this.#error);
    if (this.#done) return Promise.resolve(DONE);
    const reader = this.#takeReader();
    if (reader === undefined) {
      // No body though its status could have one (a runtime's choice): its end, and the request's.
      this.#finish();
      return Promise.resolve(DONE);
    }
    return new Promise((resolve, reject) => {
      this.#rejectRead = reject;
      this.#readSince = performance.now();
      this.#timer ??= this.#arm(this.#timeoutMs);
      reader.read().then(
        (result) => {
          this.#readSince = undefined;
          this.#rejectRead = undefined;
          // Failed meanwhile: the read was rejected then.
          if (this.#failed) return;
          if (result.done) {
            this.#finish();
            resolve(DONE);
          } else resolve({ done: false, value: result.value });
        },
        (error: unknown) => {
          this.#readSince = undefined;
          this.#fail(this.#request.failure(error));
          this.#rejectRead = undefined;
          reject(this.#error);
        },
      );
    });
  }

  /** Leaving a `for await` early (`break`, `return`, a throw) closes the connection. */
  return(): Promise<IteratorResult<Uint8Array>> {
    this.destroy();
    return Promise.resolve(DONE);
  }

  /**
   * The whole body as text. Before any `next()`, the runtime reads it natively
   * (`arrayBuffer()`): in Deno and Bun far cheaper than reading it chunk by chunk through a
   * reader. The gap between its reads is not seen then, so it is not bounded here: the caller
   * bounds the whole read (`ResponseBody.text()`); a failure, an abort or `destroy()` still
   * ends it at once.
   */
  text(): Promise<string> {
    if (this.#reader === undefined && !this.#done && !this.#failed) return this.#nativeText();
    return this.#readText();
  }

  async #readText(): Promise<string> {
    const chunks: Uint8Array[] = [];
    let size = 0;
    for (let next = await this.next(); next.done !== true; next = await this.next()) {
      chunks.push(next.value);
      size += next.value.length;
    }
    const whole = new Uint8Array(size);
    let offset = 0;
    for (const chunk of chunks) {
      whole.set(chunk, offset);
      offset += chunk.length;
    }
    return UTF8.decode(whole);
  }

  /** One promise, not an async function awaiting another: this runs once per call. */
  #nativeText(): Promise<string> {
    return new Promise<string>((resolve, reject) => {
      this.#rejectRead = reject;
      this.#response.arrayBuffer().then(
        (bytes) => {
          this.#rejectRead = undefined;
          // Failed meanwhile (an abort, `destroy()`): rejected then.
          if (this.#failed) return;
          let text: string;
          try {
            // Can throw: a body longer than the longest string the runtime makes.
            text = UTF8.decode(bytes);
          } catch (error) {
            this.#fail(this.#request.failure(error));
            reject(this.#error);
            return;
          }
          this.#finish();
          resolve(text);
        },
        (error: unknown) => {
          this.#rejectRead = undefined;
          if (!this.#failed) this.#fail(this.#request.failure(error));
          reject(this.#error);
        },
      );
    });
  }

  /** The body's reader, taken on first need; `undefined` for a response without a body. */
  #takeReader(): ReadableStreamDefaultReader<Uint8Array> | undefined {
    this.#reader ??= this.#response.body?.getReader();
    return this.#reader;
  }

  destroy(error?: Error): void {
    if (this.#done) return;
    this.#fail(error ?? destroyed());
  }

  #finish(): void {
    this.#done = true;
    this.#timer?.cancel();
    this.#request.onAbort = undefined;
    this.#request.end();
  }

  /** Fails the body once: the waiting read rejected, the request aborted, the reader cancelled. */
  #fail(error: unknown): void {
    if (this.#failed || this.#done) return;
    this.#failed = true;
    this.#error = error;
    this.#timer?.cancel();
    this.#request.abort(error);
    this.#rejectRead?.(error);
    this.#rejectRead = undefined;
    // Already errored by the abort in most runtimes: the rejection that follows says nothing
    // new. A body not read yet (or read natively, which holds the stream locked) is cancelled
    // through its stream when it can be.
    if (this.#reader !== undefined) this.#reader.cancel(error).catch(noop);
    else if (this.#response.body?.locked === false) this.#response.body.cancel(error).catch(noop);
  }

  #arm(delayMs: number): CoarseTimeout {
    return new CoarseTimeout(delayMs, this.#check);
  }

  readonly #check = (): void => {
    this.#timer = undefined;
    const since = this.#readSince;
    // No read waiting: the next one arms the timer again.
    if (since === undefined || this.#failed) return;
    const waited = performance.now() - since;
    if (waited >= this.#timeoutMs) this.#fail(bodyTimeout(this.#timeoutMs));
    else this.#timer = this.#arm(this.#timeoutMs - waited);
  };
}

/** A body destroyed without a reason: a read still waiting fails as aborted. */
function destroyed(): Error {
  return Object.assign(new Error("the response body was destroyed before its end"), {
    name: "AbortError",
  });
}
