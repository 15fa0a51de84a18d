import type { GateOutcome, GatePass, LLMResponse, TransportResponse, Usage } from "@loom/llm-types";
import type { ConcurrencyLimit } from "../limit/concurrency-limit.js";
import { immediate } from "../runtime/immediate.js";
import { releaseResponse } from "../stream/release-response.js";

/**
 * The state of one attempt of a call or stream: the gates it passed and the slot it holds under
 * `maxConcurrency`, its response, the body's reader, and whether the body was read to its end.
 * `release()` hands everything back, whichever way the attempt ended, and tells the gates how
 * it ended (`outcome`).
 */
export class Attempt {
  response: TransportResponse | undefined;
  iterator: AsyncIterator<Uint8Array> | undefined;
  /** The read begun after the stream's end, drained in the background on release. */
  pending: Promise<IteratorResult<Uint8Array>> | undefined;
  /** The body was read to its end: the connection is already free. */
  ended = false;
  /** The request was handed to the transport: it may reach the server from then on. */
  dispatched = false;
  /** The transport saw it fail before it was written whole: it reached no server. */
  unsent = false;
  /** How the attempt ended, as the gates are told: updated as it goes. */
  outcome: GateOutcome = { sent: false };
  #passes: GatePass[] | undefined;
  #limit: ConcurrencyLimit | undefined;
  #poolsAfterTurn = false;
  /** Told when a gate's `leave` throws: the attempt's outcome stands, the failure is reported. */
  readonly #report: (error: unknown) => void;

  constructor(report: (error: unknown) => void) {
    this.#report = report;
  }

  /**
   * Hands passes back as not sent (a refusal, an abort, a wait for a slot). Each gate hears it
   * whatever the one before did: a gate whose `leave` throws is reported, and the others' claims
   * (a budget's) are freed all the same.
   */
  handBack(passes: readonly GatePass[] | undefined): void {
    for (const pass of passes ?? []) {
      try {
        pass.leave({ sent: false });
      } catch (error) {
        this.#report(error);
      }
    }
  }

  /** Holds what `admit` let it through with (`poolsAfterTurn`: the transport's). */
  admit(
    passes: GatePass[] | undefined,
    limit: ConcurrencyLimit | undefined,
    poolsAfterTurn: boolean,
  ): void {
    this.#passes = passes;
    this.#limit = limit;
    this.#poolsAfterTurn = poolsAfterTurn;
  }

  /** The request was answered: the gates learn the usage and the model that answered. */
  answered(response: LLMResponse): void {
    this.outcome = {
      sent: true,
      headers: this.response?.headers,
      usage: response.usage,
      model: response.model,
    };
  }

  /**
   * Usage the server reported before the attempt failed or was left (a stream cut after its
   * usage): billed, so the gates count it rather than the estimate.
   */
  billed(usage: Usage | undefined): void {
    if (usage !== undefined) this.outcome = { ...this.outcome, sent: true, usage };
  }

  /** Starts reading the body. */
  read(response: TransportResponse): AsyncIterator<Uint8Array> {
    this.response = response;
    this.iterator = response.body[Symbol.asyncIterator]();
    return this.iterator;
  }

  release(): void {
    const passes = this.#passes;
    this.#passes = undefined;
    if (passes !== undefined) {
      for (const pass of passes) {
        try {
          pass.leave(this.outcome);
        } catch (error) {
          // A gate's bookkeeping failing must not turn a paid answer into an error (the caller
          // would ask again and pay twice): reported, not thrown.
          this.#report(error);
        }
      }
    }
    const limit = this.#limit;
    this.#limit = undefined;
    // Freed one turn later where the connection is back in the pool only then (see `nextTurn`):
    // else the next waiter's request would open a connection beyond the limit.
    if (limit !== undefined) {
      if (this.#poolsAfterTurn) immediate(() => limit.release());
      else limit.release();
    }
    const response = this.response;
    this.response = undefined;
    if (response !== undefined && !this.ended)
      releaseResponse(response.body, this.iterator, this.pending);
  }
}
