import {
  AbortError,
  type ChatStream,
  type ExchangeFacts,
  type LLMResponse,
  type StreamEvent,
} from "@loom/llm-types";
import type { CallContext } from "../exchange/call-context.js";
import { exchange } from "../exchange/exchange.js";
import { EventStreamReading, type Item } from "../exchange/read-event-stream.js";
import { StreamOutcome } from "./stream-outcome.js";

/**
 * A streamed chat completion. One iteration drives it: the text pieces (`for await ... of`) or
 * `events()`. Leaving the loop early, or `abort()`, closes the connection at once. The final
 * response promise never rejects unobserved: a stream nobody awaits cannot crash the process.
 *
 * The exchange itself (gates, attempts, retries, hooks) is the one every call goes through
 * (`exchange/exchange.ts`); a stream only reads its body as events and hands their items on.
 * Items come in batches, one per network read, and pass through one generator (this one) on
 * their way to the caller: that is per-chunk cost.
 */
export class ProviderStream implements ChatStream {
  readonly #ctx: CallContext;
  /** Why the request was refused before anything was sent (a bad option), if it was. */
  readonly #invalid: unknown;
  readonly #outcome = new StreamOutcome();
  #started = false;
  /** `#run` began (its `finally` will settle the outcome). */
  #running = false;

  constructor(ctx: CallContext, invalid: unknown) {
    this.#ctx = ctx;
    this.#invalid = invalid;
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
    const facts = this.#ctx.facts;
    const why =
      reason ??
      new AbortError({
        message: `${facts.request}: the stream was aborted`,
        provider: facts.provider,
        model: facts.model,
      });
    this.#ctx.callSignal?.abort(why);
    // An iterator taken but never advanced runs nothing that would settle the response.
    if (this.#started && !this.#running) {
      this.#ctx.callSignal?.dispose();
      this.#outcome.reject(why);
    }
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
    this.#ctx.callSignal?.dispose();
    this.#outcome.reject(closed(this.#ctx.facts, "started"));
  }

  /** Runs the exchange, handing on each batch's items, then the final response. */
  async *#run(textOnly: boolean): AsyncGenerator<Item> {
    this.#running = true;
    if (this.#invalid !== undefined) {
      this.#ctx.callSignal?.dispose();
      this.#outcome.reject(this.#invalid);
      throw this.#invalid;
    }
    const run = exchange(this.#ctx, new EventStreamReading(this.#ctx, textOnly));
    let final: LLMResponse | undefined;
    try {
      for (;;) {
        const step = await run.next();
        if (step.done === true) {
          final = step.value;
          break;
        }
        const batch = step.value;
        const signal = this.#ctx.signal;
        for (let i = 0; i < batch.length; i++) {
          if (signal?.aborted === true) {
            // Aborted while the caller held an item: the rest of the read is not handed on, and
            // the exchange ends with the abort as if its next read had failed with it (typed,
            // hooks told), even when that read would have been the stream's last.
            batch.length = 0;
            await run.throw(signal.reason);
          }
          yield batch[i] as Item;
        }
        batch.length = 0;
      }
    } catch (error) {
      this.#outcome.reject(error);
      throw error;
    } finally {
      // Left early (a broken loop, a `return()`): the exchange ends too, as cancelled.
      if (final === undefined && !this.#outcome.settled) {
        await run.return(undefined as never);
        this.#outcome.reject(closed(this.#ctx.facts, "finished"));
      }
    }
    this.#outcome.resolve(final);
    if (!textOnly) yield { type: "response", response: final };
  }
}

function closed(facts: ExchangeFacts, what: "started" | "finished"): AbortError {
  return new AbortError({
    message: `${facts.request}: the stream was closed before it ${what}`,
    provider: facts.provider,
    model: facts.model,
    ...(what === "finished" ? { requestId: facts.requestId } : {}),
  });
}
