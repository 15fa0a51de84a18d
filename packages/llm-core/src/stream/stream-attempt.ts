import type { GateOutcome } from "@loom/llm-types";
import type { OpenResponse } from "../http/open-response.js";
import type { Admission } from "../limit/admission.js";
import { releaseResponse } from "./release-response.js";

/**
 * The connection state of one attempt of a stream: its admission (the gates it passed, the slot
 * it holds under `maxConcurrency`), its open response, the body's reader, and whether the body
 * was read to its end. `release()` hands everything back, whichever way the attempt ended, and
 * tells the gates how it ended (`outcome`).
 */
export class StreamAttempt {
  response: OpenResponse | undefined;
  iterator: AsyncIterator<Buffer> | undefined;
  /** The read begun after `[DONE]`, drained in the background on release. */
  pending: Promise<IteratorResult<Buffer>> | undefined;
  /** The body was read to its end: the socket is already back in the pool. */
  ended = false;
  /** The gates passed and the slot held under `maxConcurrency`. */
  admission: Admission | undefined;
  /** How the attempt ended, as the gates are told: updated as it goes. */
  outcome: GateOutcome = { sent: false };

  /** Starts reading the body. */
  read(response: OpenResponse): AsyncIterator<Buffer> {
    this.response = response;
    this.iterator = response.body[Symbol.asyncIterator]();
    return this.iterator;
  }

  release(): void {
    this.admission?.leave(this.outcome);
    this.admission?.release();
    this.admission = undefined;
    const response = this.response;
    this.response = undefined;
    if (response !== undefined && !this.ended)
      releaseResponse(response, this.iterator, this.pending);
  }
}
