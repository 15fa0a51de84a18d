import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { mostInWindow } from "./most-in-window.js";

describe("mostInWindow", () => {
  it("counts the busiest window, in any order", () => {
    expect(mostInWindow([], 100)).toBe(0);
    expect(mostInWindow([0, 50, 99, 100, 150], 100)).toBe(3);
    expect(mostInWindow([150, 0, 99, 50, 100], 100)).toBe(3);
    expect(mostInWindow([0, 100, 200], 100)).toBe(1);
  });

  it("property: the same as counting every window by hand", () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 1_000 }), { maxLength: 40 }),
        fc.integer({ min: 1, max: 300 }),
        (times, windowMs) => {
          let most = 0;
          for (const start of times)
            most = Math.max(most, times.filter((t) => t >= start && t - start < windowMs).length);
          expect(mostInWindow(times, windowMs)).toBe(most);
        },
      ),
    );
  });
});
