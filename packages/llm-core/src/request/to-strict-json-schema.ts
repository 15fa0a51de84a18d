import type { JsonSchema } from "@loom/llm-types";

// Where sub-schemas sit in a JSON Schema, one level down.
const SCHEMA_MAPS = ["properties", "$defs", "definitions", "patternProperties"] as const;
const SCHEMA_LISTS = ["anyOf", "oneOf", "allOf", "prefixItems"] as const;

/**
 * A schema as OpenAI's strict mode accepts it (strict tools, strict `json_schema` formats): every
 * object closed (`additionalProperties: false`) and every one of its properties listed in
 * `required`, at any depth. What OpenAI's own `zodResponseFormat` helper produces for a zod
 * schema. An optional property becomes required: strict mode has no optional fields; declare it
 * `.nullable()` to let the model leave it empty. The input is not changed.
 */
export function toStrictJsonSchema(schema: JsonSchema): JsonSchema {
  let converted = cache.get(schema);
  if (converted === undefined) {
    converted = strict(schema) as JsonSchema;
    cache.set(schema, converted);
  }
  return converted;
}

// Tools go out on every turn of an agent loop: each schema is closed once.
const cache = new WeakMap<JsonSchema, JsonSchema>();

function strict(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(strict);
  if (typeof node !== "object" || node === null) return node;
  const out: Record<string, unknown> = { ...(node as Record<string, unknown>) };
  for (const key of SCHEMA_MAPS) {
    const map = out[key];
    if (typeof map === "object" && map !== null && !Array.isArray(map))
      out[key] = Object.fromEntries(Object.entries(map).map(([name, sub]) => [name, strict(sub)]));
  }
  for (const key of SCHEMA_LISTS)
    if (Array.isArray(out[key])) out[key] = (out[key] as unknown[]).map(strict);
  if (typeof out.items === "object" && out.items !== null) out.items = strict(out.items);
  const isObject =
    out.type === "object" ||
    (Array.isArray(out.type) && out.type.includes("object")) ||
    out.properties !== undefined;
  if (isObject) {
    if (out.additionalProperties === undefined || out.additionalProperties === true)
      out.additionalProperties = false;
    const properties = out.properties;
    if (typeof properties === "object" && properties !== null)
      out.required = Object.keys(properties);
  }
  return out;
}
