import { fetchFailure } from "./fetch-failure.js";

/**
 * One request of the fetch transport, from `send()` until its body is done with (read to its
 * end, failed or destroyed). Its own `AbortController` is what fetch is given: the caller's
 * signal, the transport's `close()`, its timeouts and `destroy()` all abort it, each with its
 * reason, and that reason is what the request fails with, whatever error the runtime's fetch
 * made of the abort. The caller's signal is listened to only while the request is in flight, so
 * a long-lived signal collects no listener per request.
 */
export class InFlightRequest {
  readonly #controller = new AbortController();
  readonly #callerSignal: AbortSignal | undefined;
  readonly #onEnd: (request: InFlightRequest) => void;
  #ended = false;
  /**
   * Told of an abort, by whatever reason (the body being read fails with it): a callback the
   * body sets, not a listener on the signal, which costs more per request.
   */
  onAbort: ((reason: unknown) => void) | undefined;

  /** `onEnd` is told once, when the request is over. */
  constructor(callerSignal: AbortSignal | undefined, onEnd: (request: InFlightRequest) => void) {
    this.#callerSignal = callerSignal;
    this.#onEnd = onEnd;
    // Already aborted: fetch rejects at once with the reason, and the request ends there.
    if (callerSignal?.aborted === true) this.#controller.abort(callerSignal.reason);
    else callerSignal?.addEventListener("abort", this.#onCallerAbort, { once: true });
  }

  /** The signal fetch is sent with. */
  get signal(): AbortSignal {
    return this.#controller.signal;
  }

  get ended(): boolean {
    return this.#ended;
  }

  /** Stops the request (the wait for headers, or its body) with `reason`, and ends it. */
  abort(reason: unknown): void {
    const signal = this.#controller.signal;
    if (!signal.aborted) {
      this.#controller.abort(reason);
      this.onAbort?.(signal.reason);
    }
    this.end();
  }

  /**
   * What a rejection of fetch or of a body read means: the reason the request was aborted with
   * when it was (runtimes differ in what they reject with then), else the runtime's failure,
   * given a code (`fetchFailure`).
   */
  failure(error: unknown): unknown {
    const signal = this.#controller.signal;
    return signal.aborted ? signal.reason : fetchFailure(error);
  }

  /** The request is over: its listener is removed and the transport told. Idempotent. */
  end(): void {
    if (this.#ended) return;
    this.#ended = true;
    this.#callerSignal?.removeEventListener("abort", this.#onCallerAbort);
    this.#onEnd(this);
  }

  readonly #onCallerAbort = (): void => this.abort(this.#callerSignal?.reason);
}
