/** How often the long timeouts are checked: one is late by this much at most. */
const TICK_MS = 100;
/** From this delay on, a timeout is checked on the shared tick; a shorter one gets its own timer. */
const COARSE_FROM_MS = 1_000;

/** The long timeouts pending, checked on one interval that runs only while there are any. */
const pending = new Set<CoarseTimeout>();
let ticker: ReturnType<typeof setInterval> | undefined;
/** How many of them keep the process alive: the shared interval does while any does. */
let keepingAlive = 0;

/**
 * A timeout that rarely fires: a request's wait for headers, a read's wait for data, a bound
 * past the transport's own. A call sets and clears several; a native timer each costs more
 * than the rest of the call's bookkeeping on Bun and Deno (whose timers go through their
 * Node.js compatibility layer), so a long one (a second or more, as timeouts are) is an entry
 * in a set checked every 100 ms by one shared interval, at most 10% late, as undici's own
 * timeouts are coarse; a short one keeps a native timer and its precision.
 */
export class CoarseTimeout {
  readonly #fire: () => void;
  /** `performance.now()` at which it fires, on the shared tick; `undefined` for a native timer. */
  readonly #at: number | undefined;
  readonly #native: ReturnType<typeof setTimeout> | undefined;
  readonly #keepAlive: boolean;

  /**
   * Calls `fire` once, `delayMs` from now, unless cancelled first. `keepAlive`: the process
   * stays up until then (a wait on something that holds no socket of its own, such as a
   * transport of the caller's that never answers); otherwise what it bounds (a socket, a read)
   * keeps the process up, if anything does.
   */
  constructor(delayMs: number, fire: () => void, keepAlive = false) {
    this.#fire = fire;
    this.#keepAlive = keepAlive;
    if (delayMs < COARSE_FROM_MS) {
      this.#native = setTimeout(fire, Math.max(0, Math.ceil(delayMs)));
      if (!keepAlive) this.#native.unref?.();
      return;
    }
    this.#at = performance.now() + delayMs;
    pending.add(this);
    if (ticker === undefined) {
      ticker = setInterval(tick, TICK_MS);
      // workerd's (and a browser's) timers are numbers: nothing to ref or unref.
      if (keepingAlive === 0) ticker.unref?.();
    }
    // Ref'd only on the change, not per timeout: this runs for every request.
    if (keepAlive && keepingAlive++ === 0) ticker.ref?.();
  }

  cancel(): void {
    if (this.#native !== undefined) clearTimeout(this.#native);
    else this.#leave();
  }

  /** Fires when due (on the shared tick): then it leaves the set. */
  check(now: number): void {
    if (this.#at === undefined || now < this.#at) return;
    this.#leave();
    this.#fire();
  }

  #leave(): void {
    if (!pending.delete(this) || !this.#keepAlive) return;
    keepingAlive--;
    if (keepingAlive === 0) ticker?.unref?.();
  }
}

function tick(): void {
  if (pending.size === 0) {
    clearInterval(ticker);
    ticker = undefined;
    return;
  }
  const now = performance.now();
  for (const timeout of pending) timeout.check(now);
}
