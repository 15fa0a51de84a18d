/** One request's share of a window: when it went, and how much it counted. */
export interface Entry {
  readonly at: number;
  amount: number;
}

/**
 * One limited quantity over a sliding window: what went out in the last `windowMs` never
 * exceeds `limit`, in any window (a log of entries, not a bucket, which would let a full
 * bucket's burst and its refill through in one window). A request larger than the limit still
 * goes, alone in its window.
 */
export class SlidingWindow {
  readonly #limit: number;
  readonly #windowMs: number;
  readonly #entries: Entry[] = [];
  /** The oldest entry still in the window: entries before it are spent. */
  #head = 0;
  #total = 0;
  /** Nothing more until then (`performance.now()`): the provider said none are left. */
  #heldUntil = 0;

  constructor(limit: number, windowMs: number) {
    this.#limit = limit;
    this.#windowMs = windowMs;
  }

  #prune(now: number): void {
    const entries = this.#entries;
    while (this.#head < entries.length) {
      const entry = entries[this.#head] as Entry;
      if (entry.at > now - this.#windowMs) break;
      this.#total -= entry.amount;
      this.#head++;
    }
    // Compact now and then: the array never holds more than a window's entries for long.
    if (this.#head > 1_024 && this.#head * 2 > entries.length) {
      entries.splice(0, this.#head);
      this.#head = 0;
    }
  }

  /** Milliseconds until `amount` more fits in the window. */
  waitFor(amount: number, now: number): number {
    this.#prune(now);
    const held = this.#heldUntil - now;
    const room = this.#limit - Math.min(amount, this.#limit);
    if (this.#total <= room) return Math.max(0, held);
    // The oldest entries leave first: wait for enough of them.
    let total = this.#total;
    for (let i = this.#head; i < this.#entries.length; i++) {
      const entry = this.#entries[i] as Entry;
      total -= entry.amount;
      if (total <= room) return Math.max(held, entry.at + this.#windowMs - now);
    }
    return Math.max(held, this.#windowMs);
  }

  /** Counts `amount` as sent at `at` (now, or earlier for what leaves the window sooner). */
  add(amount: number, at: number): Entry {
    const entry = { at, amount };
    const entries = this.#entries;
    // Kept in time order: almost always at the end.
    let i = entries.length;
    while (i > this.#head && (entries[i - 1] as Entry).at > at) i--;
    entries.splice(i, 0, entry);
    this.#total += amount;
    return entry;
  }

  /** Corrects an entry still in the window (an estimate, once the usage is known). */
  adjust(entry: Entry, amount: number, now: number): void {
    this.#prune(now);
    if (entry.at <= now - this.#windowMs) return;
    this.#total += amount - entry.amount;
    entry.amount = amount;
  }

  /** The provider's own count: never trust more than it says is left. */
  observe(remaining: number, resetMs: number | undefined, now: number): void {
    this.#prune(now);
    const ours = this.#limit - this.#total;
    // What the provider counted and this process did not (other clients of the account),
    // dated so that it leaves the window when the provider says its limit resets.
    const leaves = resetMs === undefined ? this.#windowMs : Math.min(resetMs, this.#windowMs);
    if (remaining < ours) this.add(ours - remaining, now + leaves - this.#windowMs);
    if (remaining === 0 && resetMs !== undefined) this.hold(resetMs, now);
  }

  /**
   * Nothing more for `ms`, at most one window: a provider's limit is whole again after a
   * window whatever its header says, and a far-off reset (`99999999h`) must not stall the
   * process (nor overflow a timer).
   */
  hold(ms: number, now: number): void {
    if (!(ms > 0)) return;
    this.#heldUntil = Math.max(this.#heldUntil, now + Math.min(ms, this.#windowMs));
  }
}
