import { AbortError, type ChatStream, type LLMResponse, type StreamEvent } from "@loom/llm-types";
import type { CallContext } from "../exchange/call-context.js";
import type { Item } from "../exchange/read-event-stream.js";
import { StreamIterator } from "./stream-iterator.js";
import { StreamOutcome } from "./stream-outcome.js";

/**
 * A streamed chat completion. One iteration drives it: the text pieces (`for await ... of`) or
 * `events()`. Leaving the loop early, or `abort()`, closes the connection at once. The final
 * response promise never rejects unobserved: a stream nobody awaits cannot crash the process.
 *
 * The exchange itself (gates, attempts, retries, hooks) is the one every call goes through
 * (`exchange/exchange.ts`); a stream only reads its body as events and hands their items on.
 * Items come in batches, one per network read, and reach the caller through one iterator
 * (`StreamIterator`), which hands each on as a resolved promise: that is per-chunk cost.
 */
export class ProviderStream implements ChatStream {
  readonly #ctx: CallContext;
  /** Why the request was refused before anything was sent (a bad option), if it was. */
  readonly #invalid: unknown;
  readonly #outcome = new StreamOutcome();
  /** The one iteration of the stream, once taken. */
  #iteration: StreamIterator | undefined;

  constructor(ctx: CallContext, invalid: unknown) {
    this.#ctx = ctx;
    this.#invalid = invalid;
  }

  [Symbol.asyncIterator](): AsyncIterator<string> {
    return this.#start(true) as AsyncIterator<Item> as AsyncIterator<string>;
  }

  events(): AsyncIterable<StreamEvent> {
    return {
      [Symbol.asyncIterator]: () =>
        this.#start(false) as AsyncIterator<Item> as AsyncIterator<StreamEvent>,
    };
  }

  /** The final response; consumes the stream itself if nobody iterates it in the current turn. */
  response(): Promise<LLMResponse> {
    if (this.#iteration === undefined)
      this.#outcome.drainSoon(
        () => this.#iteration !== undefined,
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
    if (this.#iteration !== undefined && !this.#iteration.running) {
      this.#ctx.callSignal?.dispose();
      this.#outcome.reject(why);
    }
  }

  #start(textOnly: boolean): StreamIterator {
    if (this.#iteration !== undefined) {
      throw new TypeError(
        "This stream is already being consumed: iterate it once (text or events()), and use response() for the result",
      );
    }
    this.#iteration = new StreamIterator(this.#ctx, textOnly, this.#outcome, this.#invalid);
    return this.#iteration;
  }
}
