import type { LLMError } from "./errors/llm-error.js";
import type { FinishReason } from "./finish-reason.js";
import type { AssistantMessage } from "./message.js";
import type { ToolCall } from "./tool-call.js";

/**
 * One of several answers to the same request (`n > 1`), assembled by its `index` whether it
 * came in one body or interleaved with the others in a stream.
 */
export interface LLMChoice<TParsed = unknown> {
  /** The server's `index` for this choice. */
  index: number;
  /** The text of this answer; `""` when it only called tools. */
  content: string;
  finishReason: FinishReason | null;
  /** Tool calls with parsed arguments; `[]` when none. */
  toolCalls: ToolCall[];
  /** Why the model declined, when this answer is a refusal. */
  refusal?: string;
  reasoningContent?: string;
  /** This answer parsed and validated, when the request asked for JSON and it is valid. */
  parsed?: TParsed;
  /**
   * Why this answer could not be parsed with the request's response format. Only the first
   * choice's failure fails the call (it is the response's own reply); the others are reported
   * here, so one bad sample does not throw away the rest. It is an `InvalidResponseError`
   * (`issues`, `raw`), typed as its base: that error carries whole responses, which hold
   * choices, and the types would import each other in a circle.
   */
  error?: LLMError;
  /** This answer as an assistant turn, to continue the conversation from it. */
  message: AssistantMessage;
}
