import type { ZodType } from "zod";
import type { JsonSchema } from "./json-schema.js";

/** Constrains the reply's shape. `json_schema` takes a JSON Schema or a zod schema. */
export type ResponseFormat =
  | { type: "text" }
  | { type: "json_object" }
  | { type: "json_schema"; schema: JsonSchema | ZodType; name?: string; strict?: boolean };
