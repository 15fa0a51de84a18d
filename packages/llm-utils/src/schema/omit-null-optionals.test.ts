import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { omitNullOptionals } from "./omit-null-optionals.js";
import { toJsonSchema } from "./to-json-schema.js";

const schema = z.object({
  city: z.string(),
  days: z.number().optional(),
  note: z.string().nullable(),
  maybe: z.string().nullish(),
  units: z.enum(["c", "f"]).default("c"),
  where: z.object({ lat: z.number(), label: z.string().optional() }).optional(),
  stops: z.array(z.object({ name: z.string(), hint: z.string().optional() })),
});
const json = toJsonSchema(schema);

describe("omitNullOptionals", () => {
  it("drops the nulls of optional properties that refuse null, at any depth, and keeps the rest", () => {
    const answer = {
      city: "Paris",
      days: null,
      note: null,
      maybe: null,
      units: null,
      where: { lat: 1, label: null },
      stops: [{ name: "a", hint: null }, { name: "b" }],
    };
    const cleaned = omitNullOptionals(answer, json);
    expect(cleaned).toEqual({
      city: "Paris",
      note: null,
      maybe: null,
      where: { lat: 1 },
      stops: [{ name: "a" }, { name: "b" }],
    });
    // What strict mode makes the model say now validates as the caller's schema means it.
    expect(schema.parse(cleaned)).toMatchObject({ units: "c", where: { lat: 1 } });
    expect(schema.safeParse(answer).success).toBe(false);
    // The input is left as it was.
    expect(answer.days).toBeNull();
    expect(answer.stops[0]).toEqual({ name: "a", hint: null });
  });

  it("a required property's null stays, to fail validation as it should", () => {
    expect(omitNullOptionals({ city: null, stops: [] }, json)).toEqual({ city: null, stops: [] });
  });

  it("follows local $refs, recursive ones too", () => {
    type Node = { name: string; next?: Node | undefined };
    const node: z.ZodType<Node> = z.lazy(() =>
      z.object({ name: z.string(), next: node.optional() }),
    );
    const recursive = toJsonSchema(z.object({ head: node }));
    expect(
      omitNullOptionals({ head: { name: "a", next: { name: "b", next: null } } }, recursive),
    ).toEqual({ head: { name: "a", next: { name: "b" } } });
  });

  it("property: a value without nulls comes back as the very same object; the result is stable", () => {
    const value = fc.record(
      {
        city: fc.string(),
        days: fc.option(fc.integer(), { nil: null }),
        where: fc.record({ lat: fc.integer(), label: fc.option(fc.string(), { nil: null }) }),
        stops: fc.array(
          fc.record({ name: fc.string(), hint: fc.option(fc.string(), { nil: null }) }),
        ),
      },
      { requiredKeys: ["city", "stops"] },
    );
    fc.assert(
      fc.property(value, (v) => {
        const once = omitNullOptionals(v, json);
        expect(omitNullOptionals(once, json)).toBe(once);
        const text = JSON.stringify(v);
        if (!text.includes("null")) expect(once).toBe(v);
        expect(JSON.stringify(once)).not.toMatch(/"(days|label|hint)":null/);
      }),
    );
  });
});

describe("omitNullOptionals through unions, tuples and records", () => {
  const shapes = z.object({
    inner: z.object({ x: z.string().optional() }).nullable(),
    shape: z.discriminatedUnion("kind", [
      z.object({ kind: z.literal("a"), x: z.number().optional() }),
      z.object({ kind: z.literal("b"), y: z.string().optional(), z: z.string().nullable() }),
    ]),
    pair: z.tuple([z.object({ p: z.string().optional() }), z.number()]),
    list: z.array(z.object({ q: z.string().optional() }).nullable()),
    byName: z.record(z.string(), z.object({ r: z.string().optional() })),
  });
  const json = toJsonSchema(shapes);

  it("finds the branch a value fits and drops its optional nulls, keeping nullable ones", () => {
    const answer = {
      inner: { x: null },
      shape: { kind: "b", y: null, z: null },
      pair: [{ p: null }, 3],
      list: [{ q: null }, null],
      byName: { one: { r: null } },
    };
    const cleaned = omitNullOptionals(answer, json);
    expect(cleaned).toEqual({
      inner: {},
      shape: { kind: "b", z: null },
      pair: [{}, 3],
      list: [{}, null],
      byName: { one: {} },
    });
    expect(shapes.safeParse(answer).success).toBe(false);
    expect(shapes.safeParse(cleaned).success).toBe(true);
  });
});
