import type { ZodType } from "zod";
import type { JsonSchema } from "./json-schema.js";

/**
 * Constrains the reply's shape. With `json_schema` (a JSON Schema or a zod schema) the response's
 * `parsed` holds the validated value; `json_object` asks for any JSON object.
 */
export type ResponseFormat<T = unknown> =
  | { type: "text" }
  | { type: "json_object" }
  | { type: "json_schema"; schema: JsonSchema | ZodType<T>; name?: string; strict?: boolean };
