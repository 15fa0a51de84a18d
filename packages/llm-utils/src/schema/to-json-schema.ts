import { ConfigError, type JsonSchema, type ZodSchemaLike } from "@loom/llm-types";
import type { $ZodType } from "zod/v4/core";
import { loadZod } from "#load-zod";

// Agents send the same tool schemas on every turn: convert each zod schema once.
const cache = new WeakMap<object, JsonSchema>();

/**
 * Whether a value is a zod 4 schema, zod classic's or zod mini's (checked structurally: it may
 * come from another zod copy).
 */
export function isZodSchema(value: unknown): value is ZodSchemaLike {
  return (
    typeof value === "object" &&
    value !== null &&
    "_zod" in value &&
    // A `ZodError` has `_zod` too, with a list of issues as its `def`.
    typeof (value as { _zod?: { def?: { type?: unknown } } })._zod?.def?.type === "string"
  );
}

const zodCache = new WeakMap<object, ZodSchemaLike | null>();

/**
 * A zod schema that validates values against `schema`: itself if it is one, else zod's own
 * conversion of the JSON Schema (cached), or `undefined` when the JSON Schema uses something
 * the conversion does not support (then values are not validated rather than wrongly refused).
 */
export function toZodSchema(schema: JsonSchema | ZodSchemaLike): ZodSchemaLike | undefined {
  if (isZodSchema(schema)) return schema;
  let converted = zodCache.get(schema);
  if (converted === undefined) {
    // Outside the `try`: zod not loaded yet (`prepareSchemas`) is an error, not a schema zod
    // cannot convert, and nothing is cached for it.
    const { z } = loadZod();
    try {
      converted = z.fromJSONSchema(schema as Parameters<typeof z.fromJSONSchema>[0]);
    } catch {
      converted = null;
    }
    zodCache.set(schema, converted);
  }
  return converted ?? undefined;
}

/**
 * The JSON Schema to put on the wire for a tool's parameters or a response format: a JSON
 * Schema object is sent as given; a zod schema is converted with zod's own `toJSONSchema`
 * (the `$schema` key dropped, since some servers reject it). A zod schema with no JSON Schema
 * form (`z.bigint()`, a transform's output) is a `ConfigError` saying why, before anything is
 * sent.
 */
export function toJsonSchema(schema: JsonSchema | ZodSchemaLike): JsonSchema {
  if (!isZodSchema(schema)) return schema;
  let converted = cache.get(schema);
  if (!converted) {
    // The schema's own method: the caller's zod is loaded already, this package's need not be.
    const params = { io: "input" } as const;
    const own = (schema as { toJSONSchema?: (p: typeof params) => unknown }).toJSONSchema;
    // Outside the `try`: zod not loaded yet (`prepareSchemas`) is not the schema's fault.
    if (typeof own !== "function") loadZod();
    let json: JsonSchema;
    try {
      json = (
        typeof own === "function"
          ? own.call(schema, params)
          : // zod mini's, or an older zod's (before 4.2): zod reads it through its `_zod`
            // internals, whatever copy it is of.
            convertElsewhere(schema as $ZodType, params)
      ) as JsonSchema;
    } catch (error) {
      throw new ConfigError({
        issues: [
          {
            path: "schema",
            message: `a zod schema with no JSON Schema form, which a provider needs: ${error instanceof Error ? error.message : String(error)}`,
          },
        ],
      });
    }
    const { $schema: _dropped, ...rest } = json;
    converted = rest;
    cache.set(schema, converted);
  }
  return converted;
}

/**
 * A schema that cannot convert itself, converted by this package's zod. Its descriptions and
 * other metadata are read from zod's registry, which copies of zod 4.2 and later share (on
 * `globalThis`); an older copy keeps its own, which only its schemas' `meta()` (zod classic's)
 * reads, so that is asked too. zod mini's schemas of such a copy have no `meta()`: their
 * metadata is not found (docs/wire.md).
 */
function convertElsewhere(schema: $ZodType, params: { io: "input" }): unknown {
  const { z } = loadZod();
  const registry = z.globalRegistry;
  // The shared registry, with a `get` that falls back to the schema's own `meta()`.
  const metadata = Object.create(registry) as typeof registry;
  metadata.get = (node) =>
    registry.get(node) ?? (node as { meta?: () => ReturnType<typeof registry.get> }).meta?.();
  return z.toJSONSchema(schema, { ...params, metadata });
}
