import type { BodyStream } from "./read-body.js";

/** One body being read, and when it must be done. */
export interface WatchedBody {
  readonly body: BodyStream;
  /** `performance.now()` by which the body must have arrived in full. */
  readonly deadline: number;
  /** The error the body is destroyed with when it is late. */
  readonly expire: () => Error;
}

// How often bodies are checked. Timeouts are seconds long (undici checks its own on a
// coarser tick): a late body is cut at most this much after its deadline.
const TICK_MS = 100;

/**
 * Bounds how long a body may take to arrive in full. undici's `bodyTimeout` bounds the gap
 * between two reads only: a server dripping one byte a second would keep a call waiting
 * forever. One timer per client, running only while bodies are watched, instead of one per
 * call: watching costs a set insertion, not a timer.
 */
export class BodyWatchdog {
  readonly #watched = new Set<WatchedBody>();
  #timer: NodeJS.Timeout | undefined;

  watch(watched: WatchedBody): void {
    this.#watched.add(watched);
    if (this.#timer === undefined) {
      this.#timer = setInterval(this.#tick, TICK_MS);
      this.#timer.unref();
    }
  }

  unwatch(watched: WatchedBody): void {
    this.#watched.delete(watched);
  }

  readonly #tick = (): void => {
    if (this.#watched.size === 0) {
      clearInterval(this.#timer);
      this.#timer = undefined;
      return;
    }
    const now = performance.now();
    for (const watched of this.#watched) {
      if (now < watched.deadline) continue;
      this.#watched.delete(watched);
      watched.body.destroy(watched.expire());
    }
  };
}
