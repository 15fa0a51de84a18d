import type { ResponseBody } from "@loom/llm-types";
import { CoarseTimeout } from "../runtime/coarse-timeout.js";

/** One body being read, and when it must be done. */
export interface WatchedBody<T = unknown> {
  readonly body: ResponseBody;
  /** `performance.now()` by which the body must have arrived in full. */
  readonly deadline: number;
  /** What the watchdog's `expire` needs to build the error. */
  readonly context: T;
  /**
   * The process stays up until the body arrived or expired: a transport of the caller's may
   * hold nothing else that does (our transports' sockets do).
   */
  readonly keepAlive?: boolean;
}

/**
 * Bounds how long a body may take to arrive in full. undici's `bodyTimeout` bounds the gap
 * between two reads only: a server dripping one byte a second would keep a call waiting
 * forever. Each body watched is a `CoarseTimeout`: the long deadlines of every client of the
 * process (one watchdog serves them all) share one 100 ms tick, so watching costs a set
 * insertion, not a timer.
 */
export class BodyWatchdog<T = unknown> {
  readonly #watched = new Map<WatchedBody<T>, CoarseTimeout>();
  readonly #expire: (context: T) => Error;

  /** `expire` makes the error a late body is destroyed with. */
  constructor(expire: (context: T) => Error) {
    this.#expire = expire;
  }

  watch(watched: WatchedBody<T>): void {
    const timeout = new CoarseTimeout(
      watched.deadline - performance.now(),
      () => {
        this.#watched.delete(watched);
        watched.body.destroy(this.#expire(watched.context));
      },
      watched.keepAlive === true,
    );
    this.#watched.set(watched, timeout);
  }

  unwatch(watched: WatchedBody<T>): void {
    this.#watched.get(watched)?.cancel();
    this.#watched.delete(watched);
  }
}
