import { ConfigError } from "@loom/llm-types";
import { describe, expect, it, vi } from "vitest";
import { z } from "zod";
import { prepareSchemaSupport, schemaSupport } from "./load-schema-support.js";

const where = { provider: "acme", model: "m1" };
const none = { tools: undefined, responseFormat: undefined };
const tools = [{ name: "weather", parameters: z.object({ city: z.string() }) }];

// The module's state is per test file: these run in order, the failed load first.
describe("prepareSchemaSupport", () => {
  it("a request without tools or a responseFormat loads nothing", () => {
    const load = vi.fn(() => import("./schema-support.js"));
    expect(prepareSchemaSupport(none, { ...where, ...none }, load)).toBe(undefined);
    expect(prepareSchemaSupport({ tools: [] }, { ...where, tools: [] }, load)).toBe(undefined);
    expect(load).not.toHaveBeenCalled();
  });

  it("a failed load is a ConfigError naming what needed it; the next request loads again", async () => {
    const failing = vi.fn(() =>
      Promise.reject(new TypeError("Failed to fetch dynamically imported module")),
    );
    const asked = { ...where, tools: undefined, responseFormat: { type: "json_object" as const } };
    // Two requests at once wait for one import.
    const both = [
      prepareSchemaSupport(asked, asked, failing),
      prepareSchemaSupport(asked, asked, failing),
    ];
    for (const waiting of both) {
      const error = await waiting?.then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(ConfigError);
      expect(error).toMatchObject({
        message:
          "acme/m1: the support of tools and structured output could not be loaded (is its module missing from the bundle?): Failed to fetch dynamically imported module",
        issues: [{ path: "responseFormat", message: "could not be loaded" }],
        provider: "acme",
        model: "m1",
      });
    }
    expect(failing).toHaveBeenCalledTimes(1);
    expect(() => schemaSupport()).toThrow(/not loaded/);

    // Tools a hook added to the request as it goes count too, where the call had none.
    const load = vi.fn(() => import("./schema-support.js"));
    await prepareSchemaSupport({ tools }, { ...where, ...none }, load);
    expect(load).toHaveBeenCalledTimes(1);
    const call = schemaSupport().validateToolCall(
      { id: "c1", name: "weather", arguments: { city: 3 }, rawArguments: '{"city":3}' },
      tools,
      where,
    );
    expect(call.error?.name).toBe("InvalidToolArgumentsError");
    expect(schemaSupport().toWireTools(tools)[0]).toMatchObject({
      type: "function",
      function: { name: "weather", parameters: { type: "object" } },
    });
    // Loaded once for good: on Node.js zod needs no loading either, so nothing is waited for.
    expect(prepareSchemaSupport({ tools }, { ...where, tools }, load)).toBe(undefined);
    expect(load).toHaveBeenCalledTimes(1);
  });
});
