import type { LLMConfig, WireProtocol } from "@loom/llm-types";
import { requestHeaders } from "../shared/request-headers.js";
import { statusError } from "../shared/status-error.js";
import { buildRequestBody } from "./request/build-request-body.js";
import { parseCompletion } from "./response/parse-completion.js";
import { StreamAssembler } from "./stream/stream-assembler.js";

/**
 * OpenAI's chat completions (`POST /chat/completions`), as OpenAI, DeepSeek, vLLM, llama.cpp,
 * Ollama and most gateways speak it: a bearer key, a `messages` body in snake_case, a
 * `chat.completion` body or `chat.completion.chunk` events ending with `[DONE]`, and errors as
 * `{"error": {"message", "type", "code"}}`. Everything this folder holds is a fact of this wire.
 */
export const openAIChat: WireProtocol = {
  name: "openai-chat",
  path: "/chat/completions",

  headers(config: LLMConfig, stream: boolean): Record<string, string> {
    const headers = requestHeaders(config, stream);
    if (config.apiKey !== undefined) headers.authorization = `Bearer ${config.apiKey}`;
    return headers;
  },

  body: buildRequestBody,

  maxOutputTokens(config, request) {
    return request.maxTokens ?? config.maxTokens;
  },

  parseResponse: parseCompletion,

  streamReader(facts, textOnly) {
    return new StreamAssembler(facts, textOnly);
  },

  statusError,
};
