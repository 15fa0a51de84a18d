import type { CacheBreakpoint } from "./cache-breakpoint.js";
import type { NativeTurn } from "./native-turn.js";
import type { ToolCall } from "./tool-call.js";

/** A piece of a user message: text, or an image by URL (`data:` URLs included). */
export type ContentPart =
  | { type: "text"; text: string }
  | { type: "image_url"; imageUrl: string; detail?: "auto" | "low" | "high" };

/** Instructions for the model. */
export interface SystemMessage {
  role: "system";
  content: string;
  name?: string;
  /** The prompt up to and including this message may be cached (Anthropic). */
  cache?: CacheBreakpoint;
}

/** The user's turn: text, or text and images. */
export interface UserMessage {
  role: "user";
  content: string | ContentPart[];
  name?: string;
  /** The prompt up to and including this message may be cached (Anthropic). */
  cache?: CacheBreakpoint;
}

/** The model's turn: text, tool calls and reasoning. */
export interface AssistantMessage {
  role: "assistant";
  /** `null` or `""` when the turn held only tool calls. */
  content: string | null;
  toolCalls?: ToolCall[];
  /** Reasoning the model returned (DeepSeek reasoner); whether it is sent back is a preset's rule. */
  reasoningContent?: string;
  name?: string;
  /**
   * The turn as its protocol returned it (thinking blocks and their signatures, reasoning items,
   * unknown parts): sent back unchanged to the same protocol, ignored by the others.
   */
  native?: NativeTurn;
  /** The prompt up to and including this message may be cached (Anthropic). */
  cache?: CacheBreakpoint;
}

/** The result of a tool call, answering it by id. */
export interface ToolMessage {
  role: "tool";
  /** The `id` of the tool call this answers. */
  toolCallId: string;
  content: string;
  /** The prompt up to and including this message may be cached (Anthropic). */
  cache?: CacheBreakpoint;
}

/** One turn of a conversation, as plain object literals. */
export type Message = SystemMessage | UserMessage | AssistantMessage | ToolMessage;
