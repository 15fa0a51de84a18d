import type { WireProtocol } from "@loom/llm-types";
import { PROTOCOL_PATHS } from "../protocol-paths.js";
import { bearerHeaders } from "../shared/bearer-headers.js";
import { requestedMaxTokens } from "../shared/requested-max-tokens.js";
import { statusError } from "../shared/status-error.js";
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
  path: PROTOCOL_PATHS["openai-responses"],

  // The same credentials and content negotiation as chat completions: OpenAI's bearer key,
  // JSON in, JSON or SSE out, the config's headers lower-cased.
  headers: bearerHeaders,

  body: buildRequestBody,

  // `max_output_tokens`, only when set, as chat completions' `max_tokens`.
  maxOutputTokens: requestedMaxTokens,

  parseResponse,

  streamReader(facts, textOnly) {
    return new ResponsesStreamReader(facts, textOnly);
  },

  // Errors are OpenAI's `{"error": {"message", "type", "code"}}` with the same statuses and the
  // same `x-should-retry` header as chat completions.
  statusError,
};
