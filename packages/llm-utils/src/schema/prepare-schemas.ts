import { ConfigError, type ResponseFormat, type ToolDefinition } from "@loom/llm-types";
import { preloadZod, zodReady } from "#load-zod";
import { isZodSchema } from "./to-json-schema.js";

/** The parts of a request whose schemas are converted or validated against. */
export interface SchemaCarrier {
  readonly tools?: readonly ToolDefinition[] | undefined;
  readonly responseFormat?: ResponseFormat | undefined;
}

/**
 * Makes sure zod is loaded before a request whose schemas need it: a JSON Schema the answer is
 * validated against (converted by zod), or a zod schema that cannot convert itself (zod mini).
 * Resolves at once (`undefined`) when nothing needs loading, which is every request on Node.js
 * (`require` loads zod there when first needed) and every request without such schemas; else
 * loads zod (Bun, Deno, Workers, browsers), and a zod that cannot be loaded is a `ConfigError`.
 */
export function prepareSchemas(request: SchemaCarrier): Promise<void> | undefined {
  if (zodReady()) return undefined;
  const path = needingZod(request);
  if (path === undefined) return undefined;
  return preloadZod().catch((cause: unknown) => {
    throw new ConfigError({
      message: `this request's schemas are converted or validated with zod, which could not be loaded: ${cause instanceof Error ? cause.message : String(cause)}`,
      issues: [{ path, message: "needs zod, which could not be loaded" }],
      cause,
    });
  });
}

/** The first part of the request that needs zod, or `undefined`. */
function needingZod({ tools, responseFormat }: SchemaCarrier): string | undefined {
  if (responseFormat?.type === "json_schema") {
    const schema = responseFormat.schema;
    if (!isZodSchema(schema) || !convertsItself(schema)) return "responseFormat";
  }
  const tool = tools?.findIndex(
    (tool) => isZodSchema(tool.parameters) && !convertsItself(tool.parameters),
  );
  return tool === undefined || tool < 0 ? undefined : `tools.${tool}.parameters`;
}

/** zod classic's schemas have a `toJSONSchema` method; zod mini's do not. */
function convertsItself(schema: object): boolean {
  return typeof (schema as { toJSONSchema?: unknown }).toJSONSchema === "function";
}
