// What a request loads before it is sent on a runtime that imports zod lazily (Bun, Deno,
// Workers, browsers): `#load-zod` is that runtime's own loader here, `load-zod.lazy.ts`, with a
// switch to make its import fail as a bundle without zod would.
import { ConfigError } from "@loom/llm-types";
import { describe, expect, it, vi } from "vitest";
import * as zod from "zod";
import * as mini from "zod/mini";
import { prepareSchemas } from "./prepare-schemas.js";

const control = vi.hoisted(() => ({ fail: false, loads: 0 }));

vi.mock("#load-zod", async () => {
  const lazy = await import("./load-zod.lazy.js");
  return {
    ...lazy,
    preloadZod: () => {
      control.loads++;
      return control.fail
        ? Promise.reject(new Error("Cannot find module 'zod'"))
        : lazy.preloadZod();
    },
  };
});

const JSON_SCHEMA = { type: "object", properties: { city: { type: "string" } } } as const;

describe("prepareSchemas where zod is imported on need", () => {
  it("loads nothing for a request whose schemas need no zod", () => {
    for (const request of [
      {},
      { responseFormat: { type: "json_object" as const } },
      { responseFormat: { type: "text" as const } },
      // zod classic converts itself, and the caller loaded it.
      { responseFormat: { type: "json_schema" as const, schema: zod.object({ a: zod.string() }) } },
      // A JSON Schema tool is sent as given and its arguments are not validated.
      { tools: [{ name: "t", parameters: JSON_SCHEMA }] },
      { tools: [{ name: "t", parameters: zod.object({ a: zod.string() }) }, { name: "u" }] },
    ])
      expect(prepareSchemas(request)).toBeUndefined();
    expect(control.loads).toBe(0);
  });

  it("turns a zod that cannot be loaded into a ConfigError naming what needed it", async () => {
    control.fail = true;
    try {
      const error = await prepareSchemas({
        tools: [{ name: "t" }, { name: "u", parameters: mini.object({ a: mini.string() }) }],
      })?.catch((e: unknown) => e);
      expect(ConfigError.isInstance(error)).toBe(true);
      expect((error as ConfigError).message).toMatch(
        /with zod, which could not be loaded: Cannot find module 'zod'/,
      );
      expect((error as ConfigError).issues).toEqual([
        { path: "tools.1.parameters", message: "needs zod, which could not be loaded" },
      ]);
    } finally {
      control.fail = false;
    }
  });

  it("loads zod for a JSON Schema answer, once, then never again", async () => {
    const loading = prepareSchemas({
      responseFormat: { type: "json_schema", schema: JSON_SCHEMA },
    });
    expect(loading).toBeInstanceOf(Promise);
    await loading;
    const loads = control.loads;
    expect(
      prepareSchemas({ responseFormat: { type: "json_schema", schema: JSON_SCHEMA } }),
    ).toBeUndefined();
    expect(prepareSchemas({ tools: [{ name: "u", parameters: mini.object({}) }] })).toBeUndefined();
    expect(control.loads).toBe(loads);
  });
});
