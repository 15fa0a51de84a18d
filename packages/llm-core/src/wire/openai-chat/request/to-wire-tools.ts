import type { ToolDefinition } from "@loom/llm-types";
import { toJsonSchema } from "@loom/llm-utils";
import { toStrictJsonSchema } from "../../shared/to-strict-json-schema.js";

// A tool without parameters still needs an object schema on the wire (OpenAI rejects none).
const NO_PARAMETERS = Object.freeze({ type: "object", properties: {} });

/** The flat `{name, description, parameters}` as the wire's `{type: "function", function}`. */
export function toWireTools(tools: readonly ToolDefinition[]): Record<string, unknown>[] {
  return tools.map((tool) => {
    const parameters =
      tool.parameters === undefined ? NO_PARAMETERS : toJsonSchema(tool.parameters);
    const fn: Record<string, unknown> = {
      name: tool.name,
      // Strict mode refuses open objects and optional properties: closed for it.
      parameters: tool.strict === true ? toStrictJsonSchema(parameters) : parameters,
    };
    if (tool.description !== undefined) fn.description = tool.description;
    if (tool.strict !== undefined) fn.strict = tool.strict;
    return { type: "function", function: fn };
  });
}
