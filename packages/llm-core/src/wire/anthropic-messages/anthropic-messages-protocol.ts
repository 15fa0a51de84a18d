import type { LLMConfig, WireProtocol } from "@loom/llm-types";
import { PROTOCOL_PATHS } from "../protocol-paths.js";
import { requestHeaders } from "../shared/request-headers.js";
import { statusError } from "../shared/status-error.js";
import { buildRequestBody } from "./request/build-request-body.js";
import { resolveMaxTokens } from "./request/resolve-max-tokens.js";
import { thinkingBudget } from "./request/thinking-budget.js";
import { parseMessage } from "./response/parse-message.js";
import { MessageStreamReader } from "./stream/message-stream-reader.js";

/**
 * The version of the API this wire speaks, sent unless the config's headers name another: the
 * current one, which later features extend through `anthropic-beta` headers rather than replace.
 */
export const ANTHROPIC_VERSION = "2023-06-01";

/**
 * Anthropic's Messages API (`POST /v1/messages`), as Anthropic and the servers that copy it
 * (llama.cpp, vLLM, gateways) speak it: the key in `x-api-key`, an `anthropic-version` header,
 * a body with a top-level `system`, alternating `messages` of content blocks and a required
 * `max_tokens`; a `message` body or `message_start` … `message_stop` events; errors as
 * `{"type": "error", "error": {"type", "message"}}`. Everything this folder holds is a fact of
 * this wire.
 */
export const anthropicMessages: WireProtocol = {
  name: "anthropic-messages",
  path: PROTOCOL_PATHS["anthropic-messages"],

  headers(config: LLMConfig, stream: boolean): Record<string, string> {
    const headers = requestHeaders(config, stream, { "anthropic-version": ANTHROPIC_VERSION });
    // Anthropic takes its key here, never as a bearer token.
    if (config.apiKey !== undefined) headers["x-api-key"] = config.apiKey;
    return headers;
  },

  body: buildRequestBody,

  // Always sent: the default when neither the call nor the config sets one, room beside thinking.
  maxOutputTokens(config, request) {
    const budget = request.reasoning === undefined ? undefined : thinkingBudget(request.reasoning);
    return resolveMaxTokens(request.maxTokens ?? config.maxTokens, budget);
  },

  parseResponse: parseMessage,

  streamReader(facts, textOnly) {
    return new MessageStreamReader(facts, textOnly);
  },

  statusError,
};
