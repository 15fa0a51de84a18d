import { describe, expect, it } from "vitest";
import { z } from "zod";
import { isZodSchema, toJsonSchema } from "./to-json-schema.js";

describe("toJsonSchema", () => {
  it("sends a JSON Schema object as given", () => {
    const schema = { type: "object", properties: { q: { type: "string" } }, required: ["q"] };
    expect(toJsonSchema(schema)).toBe(schema);
    expect(isZodSchema(schema)).toBe(false);
  });

  it("converts a zod schema without the $schema key, once", () => {
    const schema = z.object({
      city: z.string().describe("City name"),
      days: z.number().int().optional(),
    });
    const converted = toJsonSchema(schema);
    expect(converted).toEqual({
      type: "object",
      properties: {
        city: { type: "string", description: "City name" },
        days: {
          type: "integer",
          minimum: Number.MIN_SAFE_INTEGER,
          maximum: Number.MAX_SAFE_INTEGER,
        },
      },
      required: ["city"],
    });
    expect(toJsonSchema(schema)).toBe(converted);
    expect(isZodSchema(schema)).toBe(true);
  });
});

describe("a zod schema with no JSON Schema form", () => {
  it("is a ConfigError saying why, not zod's plain Error", () => {
    const error = (() => {
      try {
        toJsonSchema(z.object({ n: z.bigint() }));
      } catch (e) {
        return e as Error & { issues?: unknown };
      }
      return undefined;
    })();
    expect(error?.name).toBe("ConfigError");
    expect(error?.message).toContain("no JSON Schema form");
    expect(error?.message).toMatch(/BigInt/i);
  });
});
