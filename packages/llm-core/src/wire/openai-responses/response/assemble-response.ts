import type {
  AssistantMessage,
  ExchangeFacts,
  LLMResponse,
  ToolCall,
  Usage,
} from "@loom/llm-types";
import type { Finish } from "./finish-reason.js";
import type { Json } from "./output-items.js";

/** What a response is made of, from a whole body or from a stream; every text masked. */
export interface ResponseParts {
  content: string;
  /** `undefined` when the model did not refuse. */
  refusal: string | undefined;
  /** `undefined` when the response held no readable reasoning. */
  reasoning: string | undefined;
  toolCalls: ToolCall[];
  finish: Finish;
  usage: Usage;
  id: string;
  model: string;
  /** The output items, masked, in output order: the turn as the API wants it back. */
  items: Json[];
  facts: ExchangeFacts;
}

/**
 * The response and its assistant turn. The turn carries the output items (`native`) so that a
 * next request to this protocol sends them back as they came (reasoning items with their
 * encrypted content above all); any other protocol reads its portable fields.
 */
export function assembleResponse(parts: ResponseParts): LLMResponse {
  const message: AssistantMessage = { role: "assistant", content: parts.content };
  if (parts.toolCalls.length > 0) message.toolCalls = parts.toolCalls;
  if (parts.reasoning !== undefined) message.reasoningContent = parts.reasoning;
  if (parts.items.length > 0) message.native = { protocol: "openai-responses", parts: parts.items };
  const response: LLMResponse = {
    content: parts.content,
    finishReason: parts.finish.finishReason,
    usage: parts.usage,
    toolCalls: parts.toolCalls,
    model: parts.model,
    id: parts.id,
    provider: parts.facts.provider,
    message,
  };
  if (parts.finish.nativeFinishReason !== undefined)
    response.nativeFinishReason = parts.finish.nativeFinishReason;
  if (parts.reasoning !== undefined) response.reasoningContent = parts.reasoning;
  if (parts.refusal !== undefined) response.refusal = parts.refusal;
  if (parts.facts.requestId !== undefined) response.requestId = parts.facts.requestId;
  return response;
}
