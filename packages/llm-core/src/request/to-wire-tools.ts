import {
  type ResponseFormat,
  type ToolChoice,
  type ToolDefinition,
  toJsonSchema,
} from "@loom/llm-types";

// A tool without parameters still needs an object schema on the wire (OpenAI rejects none).
const NO_PARAMETERS = Object.freeze({ type: "object", properties: {} });

/** The seed's flat `{name, description, parameters}` as the wire's `{type: "function", function}`. */
export function toWireTools(tools: readonly ToolDefinition[]): Record<string, unknown>[] {
  return tools.map((tool) => {
    const fn: Record<string, unknown> = {
      name: tool.name,
      parameters: tool.parameters === undefined ? NO_PARAMETERS : toJsonSchema(tool.parameters),
    };
    if (tool.description !== undefined) fn.description = tool.description;
    if (tool.strict !== undefined) fn.strict = tool.strict;
    return { type: "function", function: fn };
  });
}

/** `"auto" | "none" | "required"` pass through; `{ name }` forces that function. */
export function toWireToolChoice(choice: ToolChoice): unknown {
  return typeof choice === "string"
    ? choice
    : { type: "function", function: { name: choice.name } };
}

/** `json_schema` nests its schema under `json_schema` with a name, as OpenAI expects. */
export function toWireResponseFormat(format: ResponseFormat): unknown {
  if (format.type !== "json_schema") return { type: format.type };
  const jsonSchema: Record<string, unknown> = {
    name: format.name ?? "response",
    schema: toJsonSchema(format.schema),
  };
  if (format.strict !== undefined) jsonSchema.strict = format.strict;
  return { type: "json_schema", json_schema: jsonSchema };
}
