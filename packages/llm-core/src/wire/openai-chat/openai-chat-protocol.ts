import type { WireProtocol } from "@loom/llm-types";
import { PROTOCOL_PATHS } from "../protocol-paths.js";
import { bearerHeaders } from "../shared/bearer-headers.js";
import { requestedMaxTokens } from "../shared/requested-max-tokens.js";
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
  path: PROTOCOL_PATHS["openai-chat"],

  headers: bearerHeaders,

  body: buildRequestBody,

  maxOutputTokens: requestedMaxTokens,

  parseResponse: parseCompletion,

  streamReader(facts, textOnly) {
    return new StreamAssembler(facts, textOnly);
  },

  statusError,
};
