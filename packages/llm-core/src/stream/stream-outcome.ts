import type { LLMResponse } from "@loom/llm-types";
import { immediate } from "../runtime/immediate.js";

const noop = (): void => {};

/**
 * The final response of a stream, settled once. The promise is made on demand and marked
 * handled, so a stream whose `response()` nobody awaits cannot crash the process with an
 * unhandled rejection; whoever awaits it still sees the error.
 */
export class StreamOutcome {
  #outcome: { response: LLMResponse } | { error: unknown } | undefined;
  #promise: Promise<LLMResponse> | undefined;
  #resolve: ((response: LLMResponse) => void) | undefined;
  #reject: ((error: unknown) => void) | undefined;

  get settled(): boolean {
    return this.#outcome !== undefined;
  }

  resolve(response: LLMResponse): void {
    this.#settle({ response });
  }

  reject(error: unknown): void {
    this.#settle({ error });
  }

  promise(): Promise<LLMResponse> {
    if (this.#promise === undefined) {
      this.#promise = new Promise<LLMResponse>((resolve, reject) => {
        this.#resolve = resolve;
        this.#reject = reject;
      });
      this.#promise.catch(noop);
      this.#publish();
    }
    return this.#promise;
  }

  /**
   * For `response()` on a stream nobody iterates: consume it at the end of this turn unless an
   * iteration has started by then (`const r = s.response(); for await (...)` starts one first).
   */
  drainSoon(started: () => boolean, iterate: () => AsyncIterable<unknown>): void {
    immediate(() => {
      if (started()) return;
      void (async () => {
        for await (const _ of iterate()) {
          // Consumed only for the final response.
        }
      })().catch(noop);
    });
  }

  #settle(outcome: { response: LLMResponse } | { error: unknown }): void {
    if (this.#outcome !== undefined) return;
    this.#outcome = outcome;
    this.#publish();
  }

  #publish(): void {
    const outcome = this.#outcome;
    if (outcome === undefined || this.#promise === undefined) return;
    if ("response" in outcome) this.#resolve?.(outcome.response);
    else this.#reject?.(outcome.error);
  }
}
