import type { ResponseBody } from "@loom/llm-types";

/** One body being read, and when it must be done. */
export interface WatchedBody<T = unknown> {
  readonly body: ResponseBody;
  /** `performance.now()` by which the body must have arrived in full. */
  readonly deadline: number;
  /** What the watchdog's `expire` needs to build the error. */
  readonly context: T;
}

// How often bodies are checked. Timeouts are seconds long (undici checks its own on a
// coarser tick): a late body is cut at most this much after its deadline.
const TICK_MS = 100;

/**
 * Bounds how long a body may take to arrive in full. undici's `bodyTimeout` bounds the gap
 * between two reads only: a server dripping one byte a second would keep a call waiting
 * forever. One timer for all the bodies watched (one watchdog serves every client of the
 * process), running only while there are any, instead of one per call: watching costs a set
 * insertion, not a timer.
 */
export class BodyWatchdog<T = unknown> {
  readonly #watched = new Set<WatchedBody<T>>();
  readonly #expire: (context: T) => Error;
  #timer: NodeJS.Timeout | undefined;

  /** `expire` makes the error a late body is destroyed with. */
  constructor(expire: (context: T) => Error) {
    this.#expire = expire;
  }

  watch(watched: WatchedBody<T>): void {
    this.#watched.add(watched);
    if (this.#timer === undefined) {
      this.#timer = setInterval(this.#tick, TICK_MS);
      // workerd's (and a browser's) timers are numbers: no unref, and nothing to keep alive.
      this.#timer.unref?.();
    }
  }

  unwatch(watched: WatchedBody<T>): void {
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
      watched.body.destroy(this.#expire(watched.context));
    }
  };
}
