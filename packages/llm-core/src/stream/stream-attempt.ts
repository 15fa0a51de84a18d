import type { OpenResponse } from "../http/open-response.js";
import { releaseResponse } from "./release-response.js";

/**
 * The connection state of one attempt of a stream: the slot it holds under `maxConcurrency`,
 * its open response, the body's reader, and whether the body was read to its end. `release()`
 * hands everything back, whichever way the attempt ended.
 */
export class StreamAttempt {
  response: OpenResponse | undefined;
  iterator: AsyncIterator<Buffer> | undefined;
  /** The read begun after `[DONE]`, drained in the background on release. */
  pending: Promise<IteratorResult<Buffer>> | undefined;
  /** The body was read to its end: the socket is already back in the pool. */
  ended = false;
  /** Releases the slot held under `maxConcurrency` (none without a limit). */
  slot: (() => void) | undefined;

  /** Starts reading the body. */
  read(response: OpenResponse): AsyncIterator<Buffer> {
    this.response = response;
    this.iterator = response.body[Symbol.asyncIterator]();
    return this.iterator;
  }

  release(): void {
    this.slot?.();
    this.slot = undefined;
    const response = this.response;
    this.response = undefined;
    if (response !== undefined && !this.ended)
      releaseResponse(response, this.iterator, this.pending);
  }
}
