import type {
  JsonSchema,
  ToolDefinition,
  ToolExecutionContext,
  ZodSchemaLike,
} from "@loom/llm-types";

/**
 * A tool definition whose `execute` gets typed arguments: with a zod schema, the type is the
 * schema's output (and the model's arguments are validated against it before `execute` runs).
 * zod classic's schemas and zod mini's alike.
 */
export function defineTool<S extends ZodSchemaLike>(tool: {
  name: string;
  description?: string;
  parameters: S;
  strict?: boolean;
  execute?: (args: S["_zod"]["output"], context: ToolExecutionContext) => unknown;
}): ToolDefinition<S["_zod"]["output"]>;
/** A JSON Schema tool; name the argument type yourself: `defineTool<{ q: string }>({...})`. */
export function defineTool<TArgs = unknown>(tool: {
  name: string;
  description?: string;
  parameters?: JsonSchema;
  strict?: boolean;
  execute?: (args: TArgs, context: ToolExecutionContext) => unknown;
}): ToolDefinition<TArgs>;
export function defineTool(tool: ToolDefinition): ToolDefinition {
  return tool;
}
