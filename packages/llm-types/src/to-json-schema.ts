import { type ZodType, z } from "zod";
import type { JsonSchema } from "./json-schema.js";

// Agents send the same tool schemas on every turn: convert each zod schema once.
const cache = new WeakMap<object, JsonSchema>();

/** Whether a value is a zod 4 schema (checked structurally: it may come from another zod copy). */
export function isZodSchema(value: unknown): value is ZodType {
  return typeof value === "object" && value !== null && "_zod" in value;
}

/**
 * The JSON Schema to put on the wire for a tool's parameters or a response format: a JSON
 * Schema object is sent as given; a zod schema is converted with zod's own `toJSONSchema`
 * (the `$schema` key dropped, since some servers reject it).
 */
export function toJsonSchema(schema: JsonSchema | ZodType): JsonSchema {
  if (!isZodSchema(schema)) return schema;
  let converted = cache.get(schema);
  if (!converted) {
    const { $schema: _dropped, ...rest } = z.toJSONSchema(schema, { io: "input" }) as JsonSchema;
    converted = rest;
    cache.set(schema, converted);
  }
  return converted;
}
