import { describe, expect, it } from "vitest";
import { numberProblem } from "./number-problem.js";

const positive = { min: 1, max: Number.MAX_SAFE_INTEGER, integer: true };
const usd = { min: 0, max: Number.MAX_VALUE, integer: false };

describe("numberProblem", () => {
  it("names the type of what is not a number, so it never reads like a valid value", () => {
    expect(numberProblem("5", positive)).toBe('must be a positive integer, got the string "5"');
    expect(numberProblem("", positive)).toBe("must be a positive integer, got an empty string");
    expect(numberProblem(true, positive)).toBe("must be a positive integer, got the boolean true");
    expect(numberProblem(null, positive)).toBe("must be a positive integer, got null");
    expect(numberProblem([5], positive)).toBe("must be a positive integer, got an array");
    expect(numberProblem({ n: 5 }, positive)).toBe("must be a positive integer, got an object");
    expect(numberProblem(5n, positive)).toBe("must be a positive integer, got the bigint 5n");
    // A key pasted into a number field is masked, as in the config's messages.
    expect(numberProblem("sk-proj-abcdefghijklmnop1234", positive)).not.toContain("abcdefghij");
  });

  it("refuses NaN, the infinities, fractions and what is out of range, showing the number", () => {
    expect(numberProblem(Number.NaN, usd)).toBe("must be a non-negative number, got NaN");
    expect(numberProblem(Number.POSITIVE_INFINITY, usd)).toBe(
      "must be a non-negative number, got Infinity",
    );
    expect(numberProblem(-1, usd)).toBe("must be a non-negative number, got -1");
    expect(numberProblem(0.5, positive)).toBe("must be a positive integer, got 0.5");
    expect(numberProblem(3, { min: 1, max: 2, integer: true })).toBe(
      "must be a positive integer up to 2, got 3",
    );
    expect(numberProblem(-1, { min: 0, max: 9, integer: true, what: "a whole number of ms" })).toBe(
      "must be a whole number of ms, got -1",
    );
  });

  it("accepts what is in range", () => {
    expect(numberProblem(0, usd)).toBeUndefined();
    expect(numberProblem(0.035, usd)).toBeUndefined();
    expect(numberProblem(1, positive)).toBeUndefined();
    expect(numberProblem(Number.MAX_SAFE_INTEGER, positive)).toBeUndefined();
  });
});
