import type { ResponseFormat } from "@loom/llm-types";
import { toJsonSchema } from "@loom/llm-utils";
import { toStrictJsonSchema } from "../../shared/to-strict-json-schema.js";

/** `json_schema` nests its schema under `json_schema` with a name, as OpenAI expects. */
export function toWireResponseFormat(format: ResponseFormat): unknown {
  if (format.type !== "json_schema") return { type: format.type };
  const jsonSchema: Record<string, unknown> = {
    name: format.name ?? "response",
    schema:
      format.strict === true
        ? toStrictJsonSchema(toJsonSchema(format.schema))
        : toJsonSchema(format.schema),
  };
  if (format.strict !== undefined) jsonSchema.strict = format.strict;
  return { type: "json_schema", json_schema: jsonSchema };
}
