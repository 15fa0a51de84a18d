import type { ToolDefinition } from "@loom/llm-types";
import { schemaSupport } from "../../../schema/load-schema-support.js";

// A tool without parameters still needs an object schema on the wire.
const NO_PARAMETERS = Object.freeze({ type: "object", properties: {} });

/**
 * The flat `{name, description, parameters}` as the Responses API's function tool, which is
 * flat too (`{type: "function", name, description, parameters, strict}`, no `function`
 * wrapper). `strict` is always sent: the Responses API takes a tool without it as strict
 * (unlike chat completions), and would then refuse any schema with an optional property or an
 * open object. A strict tool's schema is closed as strict mode requires, as chat completions
 * close it.
 */
export function toWireTools(tools: readonly ToolDefinition[]): Record<string, unknown>[] {
  return tools.map((tool) => {
    const parameters =
      tool.parameters === undefined ? NO_PARAMETERS : schemaSupport().toJsonSchema(tool.parameters);
    const wire: Record<string, unknown> = {
      type: "function",
      name: tool.name,
      parameters:
        tool.strict === true ? schemaSupport().toStrictJsonSchema(parameters) : parameters,
    };
    if (tool.description !== undefined) wire.description = tool.description;
    wire.strict = tool.strict === true;
    return wire;
  });
}
