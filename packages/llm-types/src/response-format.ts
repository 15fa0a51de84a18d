import type { JsonSchema } from "./json-schema.js";
import type { ZodSchemaLike } from "./zod-schema-like.js";

/**
 * Constrains the reply's shape. With `json_schema` (a JSON Schema, or a zod 4 schema: zod
 * classic's or zod mini's, of any copy) the response's `parsed` holds the validated value;
 * `json_object` asks for any JSON object.
 */
export type ResponseFormat<T = unknown> =
  | { type: "text" }
  | { type: "json_object" }
  | { type: "json_schema"; schema: JsonSchema | ZodSchemaLike<T>; name?: string; strict?: boolean };
