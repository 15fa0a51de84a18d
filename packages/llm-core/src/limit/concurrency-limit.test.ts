import { describe, expect, it } from "vitest";
import { ConcurrencyLimit } from "./concurrency-limit.js";

describe("ConcurrencyLimit", () => {
  it("holds at most max, grants in order", async () => {
    const limit = new ConcurrencyLimit(2);
    const order: number[] = [];
    await limit.acquire(undefined);
    await limit.acquire(undefined);
    const third = limit.acquire(undefined).then(() => order.push(3));
    const fourth = limit.acquire(undefined).then(() => order.push(4));
    expect(limit.waiting).toBe(2);
    limit.release();
    await third;
    limit.release();
    await fourth;
    expect(order).toEqual([3, 4]);
    expect(limit.active).toBe(2);
    limit.release();
    limit.release();
    expect(limit.active).toBe(0);
  });

  it("an aborted waiter leaves the queue with the signal's reason", async () => {
    const limit = new ConcurrencyLimit(1);
    await limit.acquire(undefined);
    const controller = new AbortController();
    const waiting = limit.acquire(controller.signal);
    controller.abort(new Error("gave up"));
    await expect(waiting).rejects.toThrow("gave up");
    expect(limit.waiting).toBe(0);
    limit.release();
    expect(limit.active).toBe(0);
  });

  it("an already aborted signal never queues", async () => {
    const limit = new ConcurrencyLimit(1);
    await expect(limit.acquire(AbortSignal.abort(new Error("no")))).rejects.toThrow("no");
    expect(limit.active).toBe(0);
  });
});
