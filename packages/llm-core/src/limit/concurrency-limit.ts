/**
 * At most `max` holders at once; the rest wait in order. Waiting is abortable: an aborted waiter
 * leaves the queue at once with the signal's reason.
 */
export class ConcurrencyLimit {
  readonly #max: number;
  #active = 0;
  #closed: { reason: unknown } | undefined;
  readonly #queue: {
    grant: () => void;
    reject: (reason: unknown) => void;
    signal: AbortSignal | undefined;
    onAbort: () => void;
  }[] = [];

  constructor(max: number) {
    this.#max = max;
  }

  /** Holders now. */
  get active(): number {
    return this.#active;
  }

  /** Waiters now. */
  get waiting(): number {
    return this.#queue.length;
  }

  /** Whether an `acquire()` now would wait for a slot. */
  get full(): boolean {
    return this.#active >= this.#max;
  }

  /** Resolves when a slot is free; call `release()` exactly once afterwards. */
  acquire(signal: AbortSignal | undefined): Promise<void> {
    if (signal?.aborted) return Promise.reject(signal.reason);
    if (this.#closed !== undefined) return Promise.reject(this.#closed.reason);
    if (this.#active < this.#max) {
      this.#active++;
      return Promise.resolve();
    }
    return new Promise((resolve, reject) => {
      const entry = {
        grant: () => {
          signal?.removeEventListener("abort", entry.onAbort);
          resolve();
        },
        reject,
        signal,
        onAbort: () => {
          const index = this.#queue.indexOf(entry);
          if (index !== -1) this.#queue.splice(index, 1);
          reject(signal?.reason);
        },
      };
      signal?.addEventListener("abort", entry.onAbort, { once: true });
      this.#queue.push(entry);
    });
  }

  /** Fails every waiter with `reason` (the client was closed); later `acquire`s fail at once. */
  close(reason: unknown): void {
    this.#closed = { reason };
    for (const entry of this.#queue.splice(0)) {
      entry.signal?.removeEventListener("abort", entry.onAbort);
      entry.reject(reason);
    }
  }

  release(): void {
    const next = this.#queue.shift();
    if (next !== undefined) next.grant();
    else this.#active--;
  }
}
