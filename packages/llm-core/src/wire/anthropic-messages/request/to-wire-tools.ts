import type { ToolDefinition } from "@loom/llm-types";
import { schemaSupport } from "../../../schema/load-schema-support.js";
import { cacheControl } from "./cache-control.js";

// A tool without parameters still needs an object schema on the wire.
const NO_PARAMETERS = Object.freeze({ type: "object", properties: {} });

/**
 * Tools as Anthropic takes them: flat `{name, description, input_schema}`, with `cache_control`
 * on a tool that ends a cacheable prefix (the tool list comes first in Anthropic's cache order).
 * `strict` is OpenAI's and is not sent.
 */
export function toWireTools(tools: readonly ToolDefinition[]): Record<string, unknown>[] {
  return tools.map((tool) => {
    const wire: Record<string, unknown> = { name: tool.name };
    if (tool.description !== undefined) wire.description = tool.description;
    wire.input_schema =
      tool.parameters === undefined ? NO_PARAMETERS : schemaSupport().toJsonSchema(tool.parameters);
    if (tool.cache !== undefined) wire.cache_control = cacheControl(tool.cache);
    return wire;
  });
}
