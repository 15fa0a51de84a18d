import type { ToolCall } from "./tool-call.js";

/** A piece of a user message: text, or an image by URL (`data:` URLs included). */
export type ContentPart =
  | { type: "text"; text: string }
  | { type: "image_url"; imageUrl: string; detail?: "auto" | "low" | "high" };

export interface SystemMessage {
  role: "system";
  content: string;
  name?: string;
}

export interface UserMessage {
  role: "user";
  content: string | ContentPart[];
  name?: string;
}

export interface AssistantMessage {
  role: "assistant";
  /** `null` or `""` when the turn held only tool calls. */
  content: string | null;
  toolCalls?: ToolCall[];
  /** Reasoning the model returned (DeepSeek reasoner); whether it is sent back is a preset's rule. */
  reasoningContent?: string;
  name?: string;
}

export interface ToolMessage {
  role: "tool";
  /** The `id` of the tool call this answers. */
  toolCallId: string;
  content: string;
}

/** One turn of a conversation, as plain object literals. */
export type Message = SystemMessage | UserMessage | AssistantMessage | ToolMessage;
