import type {
  AssistantMessage,
  ExchangeFacts,
  LLMResponse,
  NativeTurn,
  ToolCall,
} from "@loom/llm-types";
import { maskAcrossBlocks } from "./mask-across-blocks.js";
import { normalizeStopReason, type StopReason } from "./normalize-stop-reason.js";
import { normalizeUsage } from "./normalize-usage.js";

/** What one answer is made of, read from a whole body or assembled from a stream; all masked. */
export interface MessageParts {
  /** The content blocks in order, masked: the turn's native parts. */
  parts: Record<string, unknown>[];
  /** The text blocks' texts. */
  texts: string[];
  /** The thinking blocks' texts; undefined when there was no thinking block. */
  thinking: string[] | undefined;
  /** The structured-output tool's input as JSON text, when the model called it. */
  structured: string | undefined;
  toolCalls: ToolCall[];
  /** `stop_reason` as sent. */
  stopReason: unknown;
  /** `usage` as sent (in a stream, the latest of each field). */
  usage: unknown;
  id: string;
  model: string;
}

/**
 * The response of one answer, the same from a body and from a stream: the text blocks joined
 * as `content` (or, when the model called the structured-output tool, that tool's input, which
 * the exchange then validates like any JSON reply), thinking as `reasoningContent`, tool calls,
 * and the blocks themselves as the message's `native` parts, sent back as they are next turn.
 */
export function assembleResponse(parts: MessageParts, facts: ExchangeFacts): LLMResponse {
  // Joined texts are masked again: a secret cut across two blocks is whole only once joined.
  const content = facts.redact(parts.structured ?? parts.texts.join(""));
  const reasoning =
    parts.thinking === undefined ? undefined : facts.redact(parts.thinking.join(""));
  const { finishReason, nativeFinishReason } = answerStopReason(
    parts.stopReason,
    parts.structured !== undefined,
    parts.toolCalls.length,
    facts.redact,
  );
  const native: NativeTurn = {
    protocol: "anthropic-messages",
    parts: maskAcrossBlocks(parts.parts, facts),
  };
  const message: AssistantMessage = { role: "assistant", content };
  if (parts.toolCalls.length > 0) message.toolCalls = parts.toolCalls;
  if (reasoning !== undefined) message.reasoningContent = reasoning;
  message.native = native;
  const response: LLMResponse = {
    content,
    finishReason,
    usage: normalizeUsage(parts.usage),
    toolCalls: parts.toolCalls,
    model: parts.model,
    id: parts.id,
    provider: facts.provider,
    message,
  };
  if (nativeFinishReason !== undefined) response.nativeFinishReason = nativeFinishReason;
  if (reasoning !== undefined) response.reasoningContent = reasoning;
  if (facts.requestId !== undefined) response.requestId = facts.requestId;
  return response;
}

/**
 * The stop reason of an answer: Anthropic's, except that a call of the structured-output tool
 * alone is the answer, not a request for tools: a normal stop (`tool_use` as the native reason).
 */
export function answerStopReason(
  stopReason: unknown,
  structured: boolean,
  toolCalls: number,
  redact: (text: string) => string,
): StopReason {
  if (structured && stopReason === "tool_use" && toolCalls === 0)
    return { finishReason: "stop", nativeFinishReason: "tool_use" };
  return normalizeStopReason(stopReason, redact);
}
