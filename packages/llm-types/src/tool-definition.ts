import type { ZodType } from "zod";
import type { JsonSchema } from "./json-schema.js";

/** A tool's parameters: a JSON Schema object, or a zod schema converted to one. */
export type ToolParameters = JsonSchema | ZodType;

/** A tool the model may call, in the flat shape of the seed; mapped to the wire's `function`. */
export interface ToolDefinition {
  name: string;
  description?: string;
  /** @default { type: "object", properties: {} } */
  parameters?: ToolParameters;
  /** Ask the server to follow the schema exactly (OpenAI `strict`). */
  strict?: boolean;
}
