import type { CacheBreakpoint } from "./cache-breakpoint.js";
import type { JsonSchema } from "./json-schema.js";
import type { LLMContext } from "./llm-context.js";
import type { ToolCall } from "./tool-call.js";
import type { ZodSchemaLike } from "./zod-schema-like.js";

/** A tool's parameters: a JSON Schema object, or a zod 4 schema (classic or mini) made into one. */
export type ToolParameters<TArgs = unknown> = JsonSchema | ZodSchemaLike<TArgs>;

/** What a tool's `execute` is given beside its arguments. */
export interface ToolExecutionContext {
  /** The call being answered (its id goes back as the tool message's `toolCallId`). */
  toolCall: ToolCall;
  /** Aborts with the loop that runs the tool. */
  signal: AbortSignal | undefined;
  /** The agent's context (its `tool` executor, logger, env). */
  context: LLMContext;
}

/**
 * A tool the model may call, in a flat shape; mapped to the wire's `function`.
 * With a zod `parameters` schema, the model's arguments are validated and `execute` receives
 * them typed (see `defineTool`).
 */
export interface ToolDefinition<TArgs = unknown> {
  name: string;
  description?: string;
  /** @default { type: "object", properties: {} } */
  parameters?: ToolParameters<TArgs>;
  /** Ask the server to follow the schema exactly (OpenAI `strict`). */
  strict?: boolean;
  /** The tool list up to and including this tool may be cached (Anthropic). */
  cache?: CacheBreakpoint;
  /**
   * Runs the tool. Without it, an agent loop hands the call to `ctx.tool(name, args)`, or
   * returns it to the caller. The result is sent back as text (strings as they are, anything
   * else as JSON).
   */
  execute?(args: TArgs, context: ToolExecutionContext): unknown;
}
