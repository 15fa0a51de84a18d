import type { WireProtocol } from "@loom/llm-types";
import { openAIChat } from "../openai-chat/openai-chat-protocol.js";
import { buildRequestBody } from "./request/build-request-body.js";
import { parseResponse } from "./response/parse-response.js";
import { ResponsesStreamReader } from "./stream/responses-stream-reader.js";

/**
 * OpenAI's Responses API (`POST /responses`), as OpenAI, Azure OpenAI, llama.cpp, vLLM and
 * gateways speak it: `instructions` and `input` items in, output items (messages, reasoning,
 * function calls, built-in tools) out, semantic stream events ending with `response.completed`,
 * and stateless by default (`store: false`, reasoning carried as encrypted content in the turn's
 * native items). Everything this folder holds is a fact of this wire.
 */
export const openAIResponses: WireProtocol = {
  name: "openai-responses",
  path: "/responses",

  // The same credentials and content negotiation as chat completions: OpenAI's bearer key,
  // JSON in, JSON or SSE out, the config's headers lower-cased.
  headers: openAIChat.headers,

  body: buildRequestBody,

  // `max_output_tokens`, only when set: the same rule as chat completions'.
  maxOutputTokens: openAIChat.maxOutputTokens,

  parseResponse,

  streamReader(facts, textOnly) {
    return new ResponsesStreamReader(facts, textOnly);
  },

  // Errors are OpenAI's `{"error": {"message", "type", "code"}}` with the same statuses and the
  // same `x-should-retry` header as chat completions.
  statusError: openAIChat.statusError,
};
