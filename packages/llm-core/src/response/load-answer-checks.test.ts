import { ConfigError } from "@loom/llm-types";
import { describe, expect, it, vi } from "vitest";
import { z } from "zod";
import { answerChecks, prepareAnswerChecks } from "./load-answer-checks.js";

const where = { provider: "acme", model: "m1" };
const tools = [{ name: "weather", parameters: z.object({ city: z.string() }) }];

// The module's state is per test file: these run in order, the failed load first.
describe("prepareAnswerChecks", () => {
  it("a request without a responseFormat or tools loads nothing", () => {
    const load = vi.fn(() => import("./answer-checks.js"));
    expect(
      prepareAnswerChecks({ ...where, tools: undefined, responseFormat: undefined }, load),
    ).toBe(undefined);
    expect(prepareAnswerChecks({ ...where, tools: [], responseFormat: undefined }, load)).toBe(
      undefined,
    );
    expect(load).not.toHaveBeenCalled();
  });

  it("a failed load is a ConfigError naming what needed it; the next request loads again", async () => {
    const failing = vi.fn(() =>
      Promise.reject(new TypeError("Failed to fetch dynamically imported module")),
    );
    const asked = { ...where, tools: undefined, responseFormat: { type: "json_object" as const } };
    // Two requests at once wait for one import.
    const [first, second] = [
      prepareAnswerChecks(asked, failing),
      prepareAnswerChecks(asked, failing),
    ];
    for (const waiting of [first, second]) {
      const error = await waiting?.then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(ConfigError);
      expect(error).toMatchObject({
        message:
          "the checks of structured output and tool-call arguments could not be loaded (is their module missing from the bundle?): Failed to fetch dynamically imported module",
        issues: [{ path: "responseFormat", message: "could not be loaded" }],
        provider: "acme",
        model: "m1",
      });
    }
    expect(failing).toHaveBeenCalledTimes(1);
    expect(() => answerChecks()).toThrow(/not loaded/);

    const load = vi.fn(() => import("./answer-checks.js"));
    await prepareAnswerChecks({ ...where, tools, responseFormat: undefined }, load);
    expect(load).toHaveBeenCalledTimes(1);
    const call = answerChecks().validateToolCall(
      { id: "c1", name: "weather", arguments: { city: 3 }, rawArguments: '{"city":3}' },
      tools,
      where,
    );
    expect(call.error?.name).toBe("InvalidToolArgumentsError");
    // Loaded once for good.
    expect(prepareAnswerChecks({ ...where, tools, responseFormat: undefined }, load)).toBe(
      undefined,
    );
    expect(load).toHaveBeenCalledTimes(1);
  });
});
