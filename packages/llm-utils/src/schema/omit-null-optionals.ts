import type { JsonSchema } from "@loom/llm-types";
import { allowsNull, resolveSchema as resolve } from "./schema-allows-null.js";

type Json = Record<string, unknown>;

/**
 * `value` without the `null`s a model gave for optional properties that do not allow `null`.
 * Strict mode lists every property as required and lets an optional one be `null` (there is no
 * other way to leave it out), so a model answering a strict schema says `"days": null` where
 * the caller's schema says `days` may be absent: the key is dropped before validation, as if
 * the model had left it out. Follows `properties`, `items`, tuples, records, the branch of a
 * union the value fits, and local `$ref`s; a value it does not change is returned as is (copies
 * are made only where something is dropped).
 */
export function omitNullOptionals(value: unknown, schema: JsonSchema): unknown {
  return walk(value, schema, schema, 0);
}

// A schema may refer to itself: a bound no real answer reaches.
const MAX_DEPTH = 64;

function walk(value: unknown, node: unknown, root: JsonSchema, depth: number): unknown {
  if (depth > MAX_DEPTH || typeof value !== "object" || value === null) return value;
  const resolved = resolve(node, root);
  if (resolved === undefined) return value;
  // A union (`anyOf`/`oneOf`, zod's `.nullable()` and unions): the branch the value fits.
  const schema = branchFor(value, resolved, root) ?? resolved;
  if (Array.isArray(value)) return walkArray(value, schema, root, depth);
  const properties = schema.properties;
  const extra = schema.additionalProperties;
  if (typeof properties !== "object" || properties === null) {
    // A record (`z.record`): every value follows one schema.
    return isSchema(extra) ? walkEntries(value as Json, () => extra, root, depth) : value;
  }
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
  if (!isSchema(extra)) return out ?? value;
  const known = properties as Json;
  return walkEntries(
    out ?? object,
    (key) => (Object.hasOwn(known, key) ? undefined : extra),
    root,
    depth,
  );
}

function walkArray(value: unknown[], schema: Json, root: JsonSchema, depth: number): unknown {
  const prefix = Array.isArray(schema.prefixItems) ? (schema.prefixItems as unknown[]) : [];
  const items = schema.items;
  let out: unknown[] | undefined;
  value.forEach((item, i) => {
    // A tuple (`prefixItems`) gives each position its own schema; `items` the rest.
    const sub = i < prefix.length ? prefix[i] : items;
    if (!isSchema(sub)) return;
    const next = walk(item, sub, root, depth + 1);
    if (next === item) return;
    out ??= [...value];
    out[i] = next;
  });
  return out ?? value;
}

/** Walks each entry whose key `schemaOf` gives a schema for. */
function walkEntries(
  object: Json,
  schemaOf: (key: string) => unknown,
  root: JsonSchema,
  depth: number,
): Json {
  let out: Json | undefined;
  for (const [key, current] of Object.entries(object)) {
    const sub = schemaOf(key);
    if (sub === undefined) continue;
    const next = walk(current, sub, root, depth + 1);
    if (next === current) continue;
    out ??= { ...object };
    out[key] = next;
  }
  return out ?? object;
}

/**
 * The branch of a union a value fits: an object the one whose properties hold all its keys
 * and whose `const`/`enum` properties it matches (a discriminated union's tag), an array the
 * first array branch. `undefined` when the schema is no union or no branch fits.
 */
function branchFor(value: object, schema: Json, root: JsonSchema): Json | undefined {
  const branches = schema.anyOf ?? schema.oneOf;
  if (!Array.isArray(branches)) return undefined;
  for (const candidate of branches) {
    const branch = resolve(candidate, root);
    if (branch === undefined) continue;
    const nested = branchFor(value, branch, root);
    if (nested !== undefined) return nested;
    if (Array.isArray(value)) {
      if (branch.type === "array" || branch.items !== undefined || branch.prefixItems !== undefined)
        return branch;
      continue;
    }
    const properties = branch.properties as Json | undefined;
    if (typeof properties !== "object" || properties === null) {
      if (branch.type === "object" && isSchema(branch.additionalProperties)) return branch;
      continue;
    }
    if (
      Object.keys(value).every((key) => Object.hasOwn(properties, key)) &&
      tagsMatch(value as Json, properties)
    )
      return branch;
  }
  return undefined;
}

function tagsMatch(value: Json, properties: Json): boolean {
  for (const [key, sub] of Object.entries(properties)) {
    const tag = sub as { const?: unknown; enum?: unknown };
    if (!Object.hasOwn(value, key)) continue;
    if ("const" in tag && tag.const !== value[key]) return false;
    if (Array.isArray(tag.enum) && !tag.enum.includes(value[key])) return false;
  }
  return true;
}

function isSchema(value: unknown): value is Json {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
