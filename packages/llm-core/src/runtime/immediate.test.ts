import { afterEach, describe, expect, it, vi } from "vitest";
import { immediate } from "./immediate.js";

/** Runs `fn` with `globalThis.setImmediate` removed, synchronously, and puts it back. */
function withoutSetImmediate(fn: () => void): void {
  const saved = Object.getOwnPropertyDescriptor(globalThis, "setImmediate");
  if (saved === undefined) throw new Error("this test runs where setImmediate exists");
  Reflect.deleteProperty(globalThis, "setImmediate");
  try {
    fn();
  } finally {
    Object.defineProperty(globalThis, "setImmediate", saved);
  }
}

describe("immediate", () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it("uses setImmediate where the runtime has it: after the I/O of this turn, before a timer", async () => {
    const order: string[] = [];
    const done = new Promise<void>((resolve) => {
      setTimeout(() => {
        order.push("timeout");
        resolve();
      }, 0);
      immediate(() => order.push("immediate"));
      void Promise.resolve().then(() => order.push("microtask"));
    });
    await done;
    await new Promise((resolve) => setImmediate(resolve));
    expect(order.slice(0, 2)).toEqual(["microtask", "immediate"]);
    expect(order).toContain("timeout");
  });

  it("falls back to setTimeout(…, 0) where there is no setImmediate (a browser, a Worker)", async () => {
    const timeout = vi.spyOn(globalThis, "setTimeout");
    const ran = new Promise<string>((resolve) => {
      withoutSetImmediate(() => immediate(() => resolve("ran")));
    });
    expect(timeout).toHaveBeenCalledWith(expect.any(Function), 0);
    await expect(ran).resolves.toBe("ran");
  });
});
