import type { Message } from "./message.js";
import type { ReasoningOptions } from "./reasoning-options.js";
import type { ResponseFormat } from "./response-format.js";
import type { ToolChoice } from "./tool-choice.js";
import type { ToolDefinition } from "./tool-definition.js";

/** One call: the conversation plus options that override the provider's config for this call. */
export interface ChatRequest<TParsed = unknown> {
  messages: Message[];
  model?: string;
  temperature?: number;
  maxTokens?: number;
  topP?: number;
  stop?: string | string[];
  seed?: number;
  /**
   * How many answers to sample (`n` on the wire, 1 to 128): the response's `choices` holds
   * them all, billed together. Not every server supports it; presets that do not refuse it.
   * @default 1
   */
  n?: number;
  /** With a schema, the response's `parsed` is the validated value, typed by a zod schema. */
  responseFormat?: ResponseFormat<TParsed>;
  tools?: ToolDefinition[];
  toolChoice?: ToolChoice;
  /** How much a reasoning model should think (effort, a token budget, a summary). */
  reasoning?: ReasoningOptions;
  /** End-user id for the provider's abuse monitoring (`user` on the wire). */
  user?: string;
  /** Extra headers for this call only. */
  headers?: Record<string, string>;
  /** Aborting stops the request, or the stream, at once with an `AbortError`. */
  signal?: AbortSignal;
  /** Overrides the provider's `timeoutMs` for this call. */
  timeoutMs?: number;
  /** A limit on the whole call, retries included. */
  deadlineMs?: number;
  /** Overrides the provider's `maxRetries` for this call. */
  maxRetries?: number;
  /** Provider-specific body fields (`thinking`, `top_k`, ...), merged into the wire body last. */
  extraBody?: Record<string, unknown>;
}
