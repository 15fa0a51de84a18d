import { describe, expect, it } from "vitest";
import { untilAborted } from "./until-aborted.js";

describe("untilAborted", () => {
  it("the work's outcome when no abort comes; the listener is removed after", async () => {
    const controller = new AbortController();
    await expect(untilAborted(Promise.resolve(1), controller.signal, () => "x")).resolves.toBe(1);
    await expect(
      untilAborted(Promise.reject(new Error("no")), controller.signal, () => "x"),
    ).rejects.toThrow("no");
    // Aborting later rejects nothing that already settled.
    controller.abort();
  });

  it("the abort's error as soon as it comes, the work left running; a signal aborted before, at once", async () => {
    const controller = new AbortController();
    let settle: (value: string) => void = () => {};
    const work = new Promise<string>((resolve) => {
      settle = resolve;
    });
    const waiting = untilAborted(work, controller.signal, () => new Error("aborted"));
    controller.abort();
    await expect(waiting).rejects.toThrow("aborted");
    settle("late");
    await expect(
      untilAborted(Promise.reject(new Error("later")), controller.signal, () => new Error("now")),
    ).rejects.toThrow("now");
  });

  it("without a signal, the work itself", async () => {
    const work = Promise.resolve("same");
    expect(untilAborted(work, undefined, () => "x")).toBe(work);
  });
});
