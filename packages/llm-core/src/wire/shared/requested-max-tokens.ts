import type { ChatRequest, LLMConfig } from "@loom/llm-types";

/** The completion limit a request or its config set, if any: OpenAI's APIs send one only then. */
export function requestedMaxTokens(config: LLMConfig, request: ChatRequest): number | undefined {
  return request.maxTokens ?? config.maxTokens;
}
