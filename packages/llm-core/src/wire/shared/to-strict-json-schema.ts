import type { JsonSchema } from "@loom/llm-types";
import { allowsNull } from "@loom/llm-utils";

// Where sub-schemas sit in a JSON Schema, one level down.
const SCHEMA_MAPS = ["properties", "$defs", "definitions", "patternProperties"] as const;
const SCHEMA_LISTS = ["anyOf", "oneOf", "allOf", "prefixItems"] as const;

/**
 * A schema as OpenAI's strict mode accepts it (strict tools, strict `json_schema` formats): every
 * object closed (`additionalProperties: false`) and every one of its properties listed in
 * `required`, at any depth, as OpenAI's own `zodResponseFormat` helper produces. Strict mode has
 * no optional properties: an optional one that does not accept `null` is made nullable
 * (`anyOf: [its schema, {type: "null"}]`), so the model can still leave it out by answering
 * `null`, which is dropped again before validation (`omitNullOptionals`). The official helper
 * refuses such a schema instead. The input is not changed.
 */
export function toStrictJsonSchema(schema: JsonSchema): JsonSchema {
  let converted = cache.get(schema);
  if (converted === undefined) {
    converted = strict(schema, schema) as JsonSchema;
    cache.set(schema, converted);
  }
  return converted;
}

// Tools go out on every turn of an agent loop: each schema is closed once.
const cache = new WeakMap<JsonSchema, JsonSchema>();

function strict(node: unknown, root: JsonSchema): unknown {
  if (Array.isArray(node)) return node.map((item) => strict(item, root));
  if (typeof node !== "object" || node === null) return node;
  const out: Record<string, unknown> = { ...(node as Record<string, unknown>) };
  for (const key of SCHEMA_MAPS) {
    const map = out[key];
    if (typeof map === "object" && map !== null && !Array.isArray(map))
      out[key] = Object.fromEntries(
        Object.entries(map).map(([name, sub]) => [name, strict(sub, root)]),
      );
  }
  for (const key of SCHEMA_LISTS)
    if (Array.isArray(out[key])) out[key] = (out[key] as unknown[]).map((sub) => strict(sub, root));
  if (typeof out.items === "object" && out.items !== null) out.items = strict(out.items, root);
  // A record's values: closed like any object (strict mode refuses the record itself, but the
  // schema sent is then the caller's to change, not half-converted).
  if (typeof out.additionalProperties === "object" && out.additionalProperties !== null)
    out.additionalProperties = strict(out.additionalProperties, root);
  const isObject =
    out.type === "object" ||
    (Array.isArray(out.type) && out.type.includes("object")) ||
    out.properties !== undefined;
  if (isObject) {
    if (out.additionalProperties === undefined || out.additionalProperties === true)
      out.additionalProperties = false;
    const properties = out.properties;
    if (typeof properties === "object" && properties !== null) {
      const required = new Set(Array.isArray(out.required) ? (out.required as unknown[]) : []);
      const closed: Record<string, unknown> = {};
      for (const [name, sub] of Object.entries(properties)) {
        closed[name] = required.has(name) || allowsNull(sub, root) ? sub : nullable(sub);
      }
      out.properties = closed;
      out.required = Object.keys(properties);
    }
  }
  return out;
}

/**
 * `schema` or `null`, written as zod writes `.nullable()` (and so as the official helper sends
 * `.nullish()`): a bare type gains `"null"`, anything else becomes `anyOf` with `{type: "null"}`.
 */
function nullable(schema: unknown): unknown {
  const keys = typeof schema === "object" && schema !== null ? Object.keys(schema) : [];
  const type = (schema as { type?: unknown } | null)?.type;
  if (keys.length === 1 && (typeof type === "string" || Array.isArray(type)))
    return { type: [...(Array.isArray(type) ? type : [type]), "null"] };
  return { anyOf: [schema, { type: "null" }] };
}
