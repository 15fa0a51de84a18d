import { type WireUsage, wireUsage } from "./wire-usage.js";

/** A tool call in a scripted reply; `arguments` as an object or the exact JSON string. */
export interface ScriptedToolCall {
  /** @default `call_<n>` */
  id?: string;
  name: string;
  arguments: unknown;
}

/** Options for Completion. */
export interface CompletionOptions {
  /** @default "Hello!" (`null` when there are tool calls) */
  content?: string | null;
  toolCalls?: ScriptedToolCall[];
  /** Sent as `reasoning_content` (DeepSeek reasoner). */
  reasoningContent?: string;
  /** @default "stop", or "tool_calls" when there are tool calls */
  finishReason?: string | null;
  /** @default "fake-model" */
  model?: string;
  /** @default "chatcmpl-fake" */
  id?: string;
  /** `null` leaves usage out, as some local servers do. @default 10 prompt tokens, 5 completion */
  usage?: WireUsage | null;
}

/** A `chat.completion` body in the OpenAI shape. */
export function completionBody(options: CompletionOptions = {}): Record<string, unknown> {
  const toolCalls = options.toolCalls?.map((call, i) => ({
    id: call.id ?? `call_${i + 1}`,
    type: "function",
    function: {
      name: call.name,
      arguments:
        typeof call.arguments === "string" ? call.arguments : JSON.stringify(call.arguments),
    },
  }));
  const hasTools = toolCalls !== undefined && toolCalls.length > 0;
  const message: Record<string, unknown> = {
    role: "assistant",
    content: options.content === undefined ? (hasTools ? null : "Hello!") : options.content,
  };
  if (hasTools) message.tool_calls = toolCalls;
  if (options.reasoningContent !== undefined) message.reasoning_content = options.reasoningContent;
  const body: Record<string, unknown> = {
    id: options.id ?? "chatcmpl-fake",
    object: "chat.completion",
    created: 1_790_000_000,
    model: options.model ?? "fake-model",
    choices: [
      {
        index: 0,
        message,
        logprobs: null,
        finish_reason:
          options.finishReason === undefined
            ? hasTools
              ? "tool_calls"
              : "stop"
            : options.finishReason,
      },
    ],
  };
  if (options.usage !== null) body.usage = options.usage ?? wireUsage(5);
  return body;
}
