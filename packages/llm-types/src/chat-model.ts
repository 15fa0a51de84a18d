import type { ChatRequest } from "./chat-request.js";
import type { ChatStream } from "./chat-stream.js";
import type { LLMContext } from "./llm-context.js";
import type { LLMResponse } from "./llm-response.js";

/**
 * What an agent depends on. `LLMProvider`, `MockLLM` and a fallback chain all implement it, so
 * an agent is tested with a mock unchanged.
 */
export interface ChatModel {
  call(request: ChatRequest): Promise<LLMResponse>;
  stream(request: ChatRequest): ChatStream;
  /** The context the model was built with, when it has one (`runTools` reads its `tool`). */
  readonly context?: LLMContext;
}
