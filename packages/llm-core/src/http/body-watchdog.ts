import type { ResponseBody } from "@loom/llm-types";

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
  /** How many of the watched keep the process up: the timer does while any does. */
  #keepingAlive = 0;
  readonly #expire: (context: T) => Error;
  #timer: NodeJS.Timeout | undefined;

  /** `expire` makes the error a late body is destroyed with. */
  constructor(expire: (context: T) => Error) {
    this.#expire = expire;
  }

  watch(watched: WatchedBody<T>): void {
    this.#watched.add(watched);
    this.#timer ??= setInterval(this.#tick, TICK_MS);
    if (watched.keepAlive === true) this.#keepingAlive++;
    // workerd's (and a browser's) timers are numbers: no ref or unref, nothing to keep alive.
    if (this.#keepingAlive > 0) this.#timer.ref?.();
    else this.#timer.unref?.();
  }

  unwatch(watched: WatchedBody<T>): void {
    if (!this.#watched.delete(watched) || watched.keepAlive !== true) return;
    this.#keepingAlive--;
    if (this.#keepingAlive === 0) this.#timer?.unref?.();
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
      this.unwatch(watched);
      watched.body.destroy(this.#expire(watched.context));
    }
  };
}
