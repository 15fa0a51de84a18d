import type { FinishReason } from "./finish-reason.js";
import type { LLMResponse } from "./llm-response.js";
import type { ToolCall } from "./tool-call.js";
import type { Usage } from "./usage.js";

/** A piece of reply text. */
export interface TextEvent {
  type: "text";
  /** The choice this belongs to, when it is not the first (`n > 1`). */
  choice?: number;
  text: string;
}

/** A piece of the model's reasoning. */
export interface ReasoningEvent {
  type: "reasoning";
  /** The choice this belongs to, when it is not the first (`n > 1`). */
  choice?: number;
  text: string;
}

/** A piece of the model's refusal (OpenAI's `delta.refusal`): it declined to answer. */
export interface RefusalEvent {
  type: "refusal";
  /** The choice this belongs to, when it is not the first (`n > 1`). */
  choice?: number;
  text: string;
}

/** A piece of a tool call as it streams; `id` and `name` come once, arguments in pieces. */
export interface ToolCallDeltaEvent {
  type: "tool-call-delta";
  /** The choice this belongs to, when it is not the first (`n > 1`). */
  choice?: number;
  index: number;
  id?: string;
  name?: string;
  argumentsDelta: string;
}

/** A tool call whose arguments are complete and parsed. */
export interface ToolCallEvent {
  type: "tool-call";
  /** The choice this belongs to, when it is not the first (`n > 1`). */
  choice?: number;
  toolCall: ToolCall;
}

/** The `usage` stream event. */
export interface UsageEvent {
  type: "usage";
  usage: Usage;
}

/** The `finish` stream event. */
export interface FinishEvent {
  type: "finish";
  /** The choice this belongs to, when it is not the first (`n > 1`). */
  choice?: number;
  finishReason: FinishReason | null;
}

/** The last event: the response assembled from everything streamed. */
export interface ResponseEvent {
  type: "response";
  response: LLMResponse;
}

/** Everything a stream reports, in order. */
export type StreamEvent =
  | TextEvent
  | ReasoningEvent
  | RefusalEvent
  | ToolCallDeltaEvent
  | ToolCallEvent
  | UsageEvent
  | FinishEvent
  | ResponseEvent;
