import type { ResponseFormat } from "@loom/llm-types";
import { schemaSupport } from "../../../schema/load-schema-support.js";

/**
 * A response format as the Responses API's `text.format`, or `undefined` for plain text (the
 * API's default). `json_schema` is flat here (`{type, name, schema, strict}`, no
 * `json_schema` wrapper) and strict unless the format says `strict: false`: structured
 * outputs are what a schema asks for, and strict mode is how the API guarantees them. A strict
 * schema is closed as strict mode requires (optional properties made nullable; the nulls are
 * dropped again before validation).
 */
export function toTextFormat(format: ResponseFormat): Record<string, unknown> | undefined {
  switch (format.type) {
    case "text":
      return undefined;
    case "json_object":
      return { type: "json_object" };
    case "json_schema": {
      const strict = format.strict !== false;
      const schema = schemaSupport().toJsonSchema(format.schema);
      return {
        type: "json_schema",
        name: format.name ?? "response",
        schema: strict ? schemaSupport().toStrictJsonSchema(schema) : schema,
        strict,
      };
    }
  }
}
