import type { JsonSchema } from "@loom/llm-types";

type Json = Record<string, unknown>;

/** The schema a node stands for: itself, or what its local `$ref` points at. */
export function resolveSchema(node: unknown, root: JsonSchema): Json | undefined {
  if (typeof node !== "object" || node === null) return undefined;
  const ref = (node as Json).$ref;
  if (typeof ref !== "string") return node as Json;
  if (ref === "#") return root;
  const match = /^#\/(\$defs|definitions)\/([^/]+)$/.exec(ref);
  if (match === null) return undefined;
  const defs = root[match[1] as string] as Json | undefined;
  const target = defs?.[decodeURIComponent(match[2] as string)];
  return typeof target === "object" && target !== null ? (target as Json) : undefined;
}

/**
 * Whether a schema accepts `null`: its type includes it, its enum or const is it, one of its
 * `anyOf`/`oneOf` branches does, or it constrains nothing (`{}`). A `$ref` that cannot be
 * followed counts as accepting it: nothing is dropped or rewritten on a guess.
 */
export function allowsNull(node: unknown, root: JsonSchema): boolean {
  const schema = resolveSchema(node, root);
  if (schema === undefined) return true;
  const type = schema.type;
  if (type === "null" || (Array.isArray(type) && type.includes("null"))) return true;
  if (schema.const === null) return true;
  if (Array.isArray(schema.enum) && schema.enum.includes(null)) return true;
  for (const key of ["anyOf", "oneOf"] as const) {
    const list = schema[key];
    if (Array.isArray(list) && list.some((sub) => allowsNull(sub, root))) return true;
  }
  // No type at all accepts anything, null included.
  return (
    type === undefined &&
    schema.anyOf === undefined &&
    schema.oneOf === undefined &&
    schema.enum === undefined &&
    schema.const === undefined &&
    schema.properties === undefined
  );
}
