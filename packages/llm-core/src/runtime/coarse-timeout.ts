/** How often the long timeouts are checked: one is late by this much at most. */
const TICK_MS = 100;
/** From this delay on, a timeout is checked on the shared tick; a shorter one gets its own timer. */
const COARSE_FROM_MS = 1_000;

/**
 * The long timeouts pending, checked on one interval that runs only while there are any: a
 * ring linked through the timeouts themselves, so setting and cancelling one (a call does both,
 * for every request) allocates nothing and hashes nothing. A `Set` did both: each cancel of the
 * last entry made V8 shrink, that is reallocate, its table, at every sequential call.
 */
interface Link {
  next: Link;
  prev: Link;
}
const pending: Link = {} as Link;
pending.next = pending;
pending.prev = pending;
let ticker: ReturnType<typeof setInterval> | undefined;
/** How many of them keep the process alive: the shared interval does while any does. */
let keepingAlive = 0;

/**
 * A timeout that rarely fires: a request's wait for headers, a read's wait for data, a bound
 * past the transport's own. A call sets and clears several; a native timer each costs more
 * than the rest of the call's bookkeeping on Bun and Deno (whose timers go through their
 * Node.js compatibility layer), so a long one (a second or more, as timeouts are) is a link
 * in a ring checked every 100 ms by one shared interval, at most 10% late, as undici's own
 * timeouts are coarse; a short one keeps a native timer and its precision.
 */
export class CoarseTimeout implements Link {
  next: Link = pending;
  prev: Link = pending;
  readonly #fire: () => void;
  /** `performance.now()` at which it fires, on the shared tick; `undefined` for a native timer. */
  readonly #at: number | undefined;
  readonly #native: ReturnType<typeof setTimeout> | undefined;
  readonly #keepAlive: boolean;
  /** In the ring (a long one not yet fired nor cancelled). */
  #linked = false;

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
    const last = pending.prev;
    this.prev = last;
    last.next = this;
    pending.prev = this;
    this.#linked = true;
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

  /** Whether it is due at `now` (on the shared tick). */
  due(now: number): boolean {
    return this.#linked && this.#at !== undefined && now >= this.#at;
  }

  /** Fires, unless it was cancelled since it was found due: then it leaves the ring. */
  fire(): void {
    if (!this.#linked) return;
    this.#leave();
    this.#fire();
  }

  #leave(): void {
    if (!this.#linked) return;
    this.#linked = false;
    this.prev.next = this.next;
    this.next.prev = this.prev;
    // Unlinked, it holds nothing of the ring, nor the ring of it.
    this.next = pending;
    this.prev = pending;
    if (!this.#keepAlive) return;
    keepingAlive--;
    if (keepingAlive === 0) ticker?.unref?.();
  }
}

function tick(): void {
  if (pending.next === pending) {
    clearInterval(ticker);
    ticker = undefined;
    return;
  }
  const now = performance.now();
  // Found first, fired after: what firing one does (a body destroyed, another timeout
  // cancelled or set) changes the ring, never this walk.
  const due: CoarseTimeout[] = [];
  for (let link = pending.next; link !== pending; link = link.next) {
    const timeout = link as CoarseTimeout;
    if (timeout.due(now)) due.push(timeout);
  }
  for (const timeout of due) timeout.fire();
}
