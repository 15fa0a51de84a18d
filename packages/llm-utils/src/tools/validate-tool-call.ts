import {
  type ErrorContext,
  InvalidToolArgumentsError,
  type ToolCall,
  type ToolDefinition,
} from "@loom/llm-types";
import { omitNullOptionals } from "../schema/omit-null-optionals.js";
import { safeParse } from "../schema/safe-parse.js";
import { isZodSchema, toJsonSchema } from "../schema/to-json-schema.js";

/**
 * Validates a call's arguments when the request defined its tool with a zod schema: the call
 * then carries the schema's output (defaults applied), or an `InvalidToolArgumentsError` in
 * `error` for an agent loop to send back to the model. Calls to tools defined by JSON Schema,
 * or unknown to the request, are left as they are.
 */
export function validateToolCall(
  call: ToolCall,
  tools: readonly ToolDefinition[] | undefined,
  where: ErrorContext = {},
): ToolCall {
  const schema = tools?.find((tool) => tool.name === call.name)?.parameters;
  if (schema === undefined || !isZodSchema(schema)) return call;
  const result = safeParse(schema, omitNullOptionals(call.arguments, toJsonSchema(schema)));
  if (result.success) {
    call.arguments = result.data;
  } else {
    call.error = new InvalidToolArgumentsError({
      toolName: call.name,
      toolCallId: call.id,
      rawArguments: call.rawArguments ?? JSON.stringify(call.arguments),
      issues: result.error.issues,
      provider: where.provider,
      model: where.model,
      requestId: where.requestId,
    });
  }
  return call;
}
