import type { ExchangeFacts, ResponseFormat, ToolDefinition } from "@loom/llm-types";
import { schemaSupport } from "../../../schema/load-schema-support.js";

/** The name of the structured-output tool when the format names none. */
export const DEFAULT_STRUCTURED_TOOL_NAME = "json";

/**
 * The Messages API has no `response_format`: structured output is asked for as a tool the
 * model must call, whose input schema is the reply's schema, and the tool's input is the reply.
 * This is the name of that tool, or undefined when the format asks for no JSON: the format's
 * name, else `json`, with `_reply` added while one of the request's own tools has it (the API
 * refuses two tools of one name, and the user's tool must stay a tool).
 */
export function structuredToolName(
  format: ResponseFormat | undefined,
  tools: readonly ToolDefinition[] | undefined,
): string | undefined {
  if (format === undefined || format.type === "text") return undefined;
  let name =
    (format.type === "json_schema" ? format.name : undefined) ?? DEFAULT_STRUCTURED_TOOL_NAME;
  while (tools?.some((tool) => tool.name === name)) name = `${name}_reply`;
  return name;
}

/** The structured-output tool of an exchange, by name, when its request asked for JSON. */
export function structuredToolOf(facts: ExchangeFacts): string | undefined {
  return structuredToolName(facts.responseFormat, facts.tools);
}

/** The tool definition sent for a JSON response format. */
export function structuredTool(
  format: Exclude<ResponseFormat, { type: "text" }>,
  name: string,
): Record<string, unknown> {
  return {
    name,
    description: "Give your answer by calling this tool: its input is the reply.",
    // `json_object` asks for any object: the loosest schema a tool's input may have.
    input_schema:
      format.type === "json_schema"
        ? schemaSupport().toJsonSchema(format.schema)
        : { type: "object" },
  };
}
