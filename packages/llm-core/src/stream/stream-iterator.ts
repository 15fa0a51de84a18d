import type { ExchangeFacts, LLMResponse } from "@loom/llm-types";
import { AbortError } from "@loom/llm-types";
import type { CallContext } from "../exchange/call-context.js";
import { exchange } from "../exchange/exchange.js";
import { EventStreamReading, type Item } from "../exchange/read-event-stream.js";
import type { StreamOutcome } from "./stream-outcome.js";

const DONE: IteratorReturnResult<undefined> = { done: true, value: undefined };
const noop = (): void => {};

/** Where an iteration stands. */
type State =
  /** Taken, not advanced: nothing sent, nothing armed but the call's signal. */
  | "fresh"
  /** The exchange runs: items of the read at hand are handed on, then the next read's. */
  | "running"
  /** Events only: the exchange ended, its `response` event is still to hand on. */
  | "answered"
  | "done";

/**
 * One iteration of a stream: the items of each read, handed on one by one, then (events only)
 * the final response. An iterator written out rather than an async generator: a generator
 * resumes, and settles a promise of its own, for every item it yields (on Node.js a fifth of
 * the instructions per event of a stream read many events at a time, measured); here an item
 * of the read at hand is a resolved promise and nothing else, and a read one async step. The
 * exchange it drives (gates, attempts, retries, hooks) is the one every call goes through.
 *
 * As a generator would: calls made while one is pending wait their turn; a failure settles the
 * stream's response with it and ends the iteration; `return()` (a `break`) closes the exchange
 * (its connection, at once) and settles the response as closed; an iteration closed before its
 * first `next()` sent nothing.
 */
export class StreamIterator implements AsyncIterator<Item>, AsyncIterable<Item> {
  readonly #ctx: CallContext;
  readonly #textOnly: boolean;
  readonly #outcome: StreamOutcome;
  /** Why the request was refused before anything was sent (a bad option), if it was. */
  readonly #invalid: unknown;
  #state: State = "fresh";
  #run: AsyncGenerator<Item[], LLMResponse> | undefined;
  /** The read at hand: the exchange's own array, emptied before its next read. */
  #batch: Item[] = [];
  #at = 0;
  #final: LLMResponse | undefined;
  /** Calls queued and not yet done (`#queue`): while any is, the next one waits its turn. */
  #calls = 0;
  /** The last call queued, while any is not done. */
  #last: Promise<unknown> | undefined;
  /** What an abort made the exchange do while nobody asked: the next `next()`'s answer. */
  #early: Promise<IteratorResult<Item>> | undefined;
  /** A call is running and has not returned its promise yet. */
  #inside = false;
  /** Lets the calls made inside that one go on once it settled. */
  #returned: (() => void) | undefined;
  /** The call's signal, read once: looking it up per item costs more than the item. */
  readonly #signal: AbortSignal | undefined;

  constructor(ctx: CallContext, textOnly: boolean, outcome: StreamOutcome, invalid: unknown) {
    this.#ctx = ctx;
    this.#textOnly = textOnly;
    this.#outcome = outcome;
    this.#invalid = invalid;
    this.#signal = ctx.signal;
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  /** Whether the exchange was started (by a first `next()`). */
  get running(): boolean {
    return this.#state !== "fresh";
  }

  next(): Promise<IteratorResult<Item>> {
    // The step an abort took while nobody asked (`#onAbort`): this call's answer.
    const early = this.#early;
    if (early !== undefined) {
      this.#early = undefined;
      return early;
    }
    // The common case: an item of the read at hand, no call pending, no abort.
    const at = this.#at;
    if (at < this.#batch.length && this.#calls === 0 && this.#signal?.aborted !== true) {
      this.#at = at + 1;
      return Promise.resolve({ done: false, value: this.#batch[at] as Item });
    }
    return this.#queue(this.#advance);
  }

  /** Leaving early (`break`): the exchange ends as cancelled, its connection closed. */
  return(): Promise<IteratorResult<Item>> {
    return this.#queue(() => this.#end(false, undefined));
  }

  /** Thrown into: the stream fails with `error`, its exchange ended as a `break` ends it. */
  throw(error?: unknown): Promise<IteratorResult<Item>> {
    return this.#queue(() => this.#end(true, error));
  }

  /**
   * Runs `call` once the calls before it settled. Each call ends with `#left()`, in its own
   * body: when none is left the next `next()` takes the common case again, with no promise
   * spent on bookkeeping.
   */
  #queue<T>(call: () => Promise<T>): Promise<T> {
    this.#calls++;
    let last = this.#last;
    // Made from inside a call that has not returned yet (a hook the exchange's first step runs:
    // `beforeRequest`, `prepareBody`): it waits for that call, as every other one does.
    if (last === undefined && this.#inside)
      last = this.#last = new Promise<void>((resolve) => {
        this.#returned = resolve;
      });
    if (last !== undefined) {
      const queued = last.then(call, call);
      this.#last = queued;
      return queued;
    }
    this.#inside = true;
    let result: Promise<T>;
    try {
      result = call();
    } finally {
      this.#inside = false;
    }
    const returned = this.#returned;
    if (returned !== undefined) {
      this.#returned = undefined;
      result.then(returned, returned);
    } else if (this.#calls > 0) this.#last = result;
    return result;
  }

  /** A call queued by `#queue` is done. */
  #left(): void {
    if (--this.#calls === 0) this.#last = undefined;
  }

  readonly #advance = async (): Promise<IteratorResult<Item>> => {
    try {
      const ctx = this.#ctx;
      for (;;) {
        const state = this.#state;
        if (state === "done") return DONE;
        if (state === "answered") {
          this.#state = "done";
          return { done: false, value: { type: "response", response: this.#final as LLMResponse } };
        }
        if (state === "fresh") {
          if (this.#invalid !== undefined) {
            // Refused before anything was sent: the response says why (`#abandon`).
            this.#abandon();
            throw this.#invalid;
          }
          this.#state = "running";
          this.#run = exchange(ctx, new EventStreamReading(ctx, this.#textOnly));
          this.#signal?.addEventListener("abort", this.#onAbort);
          ctx.client.sending.add(this.#onClose);
        }
        const run = this.#run as AsyncGenerator<Item[], LLMResponse>;
        const batch = this.#batch;
        const signal = this.#signal;
        const left = this.#at < batch.length;
        const aborted = left && signal?.aborted === true;
        if (left && !aborted) return { done: false, value: batch[this.#at++] as Item };
        // Aborted while the caller held an item: the rest of the read is not handed on, and the
        // exchange ends with the abort as if its next read had failed with it (typed, hooks
        // told), even when that read would have been the stream's last.
        batch.length = 0;
        this.#at = 0;
        let step: IteratorResult<Item[], LLMResponse>;
        try {
          step = await (aborted ? run.throw(signal?.reason) : run.next());
        } catch (error) {
          this.#state = "done";
          this.#unlisten();
          this.#outcome.reject(error);
          throw error;
        }
        if (step.done !== true) this.#batch = step.value;
        else {
          this.#final = step.value;
          this.#unlisten();
          this.#outcome.resolve(step.value);
          this.#state = this.#textOnly ? "done" : "answered";
        }
      }
    } finally {
      this.#left();
    }
  };

  /**
   * The call's signal aborted (`abort()`, the caller's signal, the deadline) while the caller
   * holds an item and asks for none: the exchange is ended with the abort now (typed, hooks
   * told), so `response()` settles without waiting for a `next()` that may never come. That
   * step's outcome is the answer to the next `next()`.
   */
  readonly #onAbort = (): void => {
    if (this.#state !== "running" || this.#calls > 0) return;
    const early = this.#queue(this.#advance);
    early.catch(noop);
    this.#early = early;
  };

  /**
   * The exchange ended: the call's signal lets go of `#onAbort`, and with it of this iteration
   * and its response. Left listening, on Node.js with undici's transport (which listens to the
   * same signal), the response outlived its stream through minor collections and was promoted
   * to V8's old generation, at every stream (its text: about 6 kB a stream of 1,000 events);
   * no path to it shows in a heap snapshot, and none did with a signal of the transport's own.
   */
  #unlisten(): void {
    this.#signal?.removeEventListener("abort", this.#onAbort);
    this.#ctx.client.sending.delete(this.#onClose);
  }

  /**
   * `close()` (without `drain`) ends the stream as it ends a request in flight: the call's
   * signal aborted with the provider's closed error. Else a stream whose consumer holds an item
   * and never asks again (an iterator dropped without `return()`, a relaying generator left
   * suspended) would outlive `close()`, its hooks and its span unended, its whole answer may
   * have come already, so no read is left to fail.
   */
  readonly #onClose = (): void => {
    this.#ctx.callSignal?.abort(this.#ctx.client.closedError(this.#ctx.facts));
  };

  /** Ends the iteration early: `return()`, or `throw(error)` when `thrown`. */
  async #end(thrown: boolean, error: unknown): Promise<IteratorResult<Item>> {
    try {
      const state = this.#state;
      this.#state = "done";
      // An abort's step no `next()` took: ended here, nothing follows.
      this.#early = undefined;
      if (state === "fresh") {
        if (thrown) this.#outcome.reject(error);
        this.#abandon();
      } else if (state === "running" && !this.#outcome.settled) {
        // Settled first: the response says why even if closing the exchange fails.
        this.#outcome.reject(thrown ? error : closed(this.#ctx.facts, "finished"));
        this.#batch.length = 0;
        this.#unlisten();
        await this.#run?.return(undefined as never);
      }
      if (thrown) throw error;
      return DONE;
    } finally {
      this.#left();
    }
  }

  /** Closed before it began: nothing was sent, no hook ran. */
  #abandon(): void {
    this.#state = "done";
    this.#ctx.callSignal?.dispose();
    // A refused request (a bad option) never could start: the response says why.
    this.#outcome.reject(this.#invalid ?? closed(this.#ctx.facts, "started"));
  }
}

/** The error of a stream closed by its caller before it started or finished. */
function closed(facts: ExchangeFacts, what: "started" | "finished"): AbortError {
  return new AbortError({
    message: `${facts.request}: the stream was closed before it ${what}`,
    provider: facts.provider,
    model: facts.model,
    ...(what === "finished" ? { requestId: facts.requestId } : {}),
  });
}
