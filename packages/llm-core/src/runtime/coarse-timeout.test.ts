import { describe, expect, it } from "vitest";
import { CoarseTimeout } from "./coarse-timeout.js";

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe("CoarseTimeout", () => {
  it("fires a short timeout on its own timer, on time", async () => {
    const started = performance.now();
    const fired = await new Promise<number>((resolve) => {
      new CoarseTimeout(30, () => resolve(performance.now() - started));
    });
    // A loaded machine fires late, never early.
    expect(fired).toBeGreaterThanOrEqual(29);
  });

  it("fires a long timeout on the shared tick, not before its delay and at most a tick or so late", async () => {
    const started = performance.now();
    const fired: number[] = [];
    for (const delay of [1_000, 1_050]) new CoarseTimeout(delay, () => fired.push(delay));
    const cancelled = new CoarseTimeout(1_000, () => fired.push(-1));
    cancelled.cancel();
    await sleep(950);
    expect(fired).toEqual([]);
    while (fired.length < 2 && performance.now() - started < 5_000) await sleep(20);
    expect(fired.sort()).toEqual([1_000, 1_050]);
    // Late by one tick (100 ms) at most, plus what a loaded machine adds.
    expect(performance.now() - started).toBeLessThan(1_050 + 100 + 1_000);
  });

  it("never fires once cancelled, short or long", async () => {
    let fired = 0;
    new CoarseTimeout(10, () => fired++).cancel();
    new CoarseTimeout(1_000, () => fired++).cancel();
    await sleep(1_200);
    expect(fired).toBe(0);
  });

  it("a timeout cancelled by another's firing on the same tick never fires; one set by a firing fires later", async () => {
    const fired: string[] = [];
    let second: CoarseTimeout | undefined;
    const started = performance.now();
    // Both due on the same tick: whichever fires first cancels the other.
    new CoarseTimeout(1_000, () => {
      fired.push("first");
      second?.cancel();
      new CoarseTimeout(1_000, () => fired.push("third"));
    });
    second = new CoarseTimeout(1_000, () => {
      fired.push("second");
    });
    // Many set and cancelled in between, in no order: the ring holds only what is pending.
    const many = Array.from({ length: 50 }, () => new CoarseTimeout(1_000, () => fired.push("x")));
    for (const [i, timeout] of many.entries()) if (i % 3 !== 1) timeout.cancel();
    for (const [i, timeout] of many.entries()) if (i % 3 === 1) timeout.cancel();
    while (fired.length < 2 && performance.now() - started < 6_000) await sleep(20);
    expect(fired).toEqual(["first", "third"]);
    expect(performance.now() - started).toBeGreaterThanOrEqual(2_000);
  });
});
