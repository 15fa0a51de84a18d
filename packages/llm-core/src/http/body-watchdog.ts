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
 * process (one watchdog serves them all) share one 100 ms tick, so watching costs a link in a
 * ring, not a timer. The caller holds what `watch` returns and cancels it when the body is read.
 */
export class BodyWatchdog<T = unknown> {
  readonly #expire: (context: T) => Error;

  /** `expire` makes the error a late body is destroyed with. */
  constructor(expire: (context: T) => Error) {
    this.#expire = expire;
  }

  /** Destroys the body with the `expire` error if it has not arrived by its deadline. */
  watch(watched: WatchedBody<T>): CoarseTimeout {
    return new CoarseTimeout(
      watched.deadline - performance.now(),
      () => watched.body.destroy(this.#expire(watched.context)),
      watched.keepAlive === true,
    );
  }
}
