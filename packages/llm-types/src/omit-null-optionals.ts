import type { JsonSchema } from "./json-schema.js";
import { allowsNull, resolveSchema as resolve } from "./schema-allows-null.js";

type Json = Record<string, unknown>;

/**
 * `value` without the `null`s a model gave for optional properties that do not allow `null`.
 * Strict mode lists every property as required and lets an optional one be `null` (there is no
 * other way to leave it out), so a model answering a strict schema says `"days": null` where
 * the caller's schema says `days` may be absent: the key is dropped before validation, as if
 * the model had left it out. Follows `properties`, `items` and local `$ref`s; a value it does not
 * change is returned as is (copies are made only where something is dropped).
 */
export function omitNullOptionals(value: unknown, schema: JsonSchema): unknown {
  return walk(value, schema, schema, 0);
}

// A schema may refer to itself: a bound no real answer reaches.
const MAX_DEPTH = 64;

function walk(value: unknown, node: unknown, root: JsonSchema, depth: number): unknown {
  if (depth > MAX_DEPTH || typeof value !== "object" || value === null) return value;
  const schema = resolve(node, root);
  if (schema === undefined) return value;
  if (Array.isArray(value)) {
    const items = schema.items;
    if (typeof items !== "object" || items === null) return value;
    let out: unknown[] | undefined;
    value.forEach((item, i) => {
      const next = walk(item, items, root, depth + 1);
      if (next === item) return;
      out ??= [...value];
      out[i] = next;
    });
    return out ?? value;
  }
  const properties = schema.properties;
  if (typeof properties !== "object" || properties === null) return value;
  const required = Array.isArray(schema.required) ? (schema.required as unknown[]) : [];
  const object = value as Json;
  let out: Json | undefined;
  for (const [key, sub] of Object.entries(properties as Json)) {
    if (!Object.hasOwn(object, key)) continue;
    const current = object[key];
    if (current === null) {
      if (!required.includes(key) && !allowsNull(sub, root)) {
        out ??= { ...object };
        delete out[key];
      }
      continue;
    }
    const next = walk(current, sub, root, depth + 1);
    if (next === current) continue;
    out ??= { ...object };
    out[key] = next;
  }
  return out ?? value;
}
