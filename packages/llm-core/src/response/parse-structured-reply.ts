import type { LLMResponse } from "@loom/llm-types";
import { applyResponseFormat } from "@loom/llm-types/internal";
import type { ResponseMeta } from "./response-meta.js";

/**
 * Fills `response.parsed` when the request asked for JSON, with the leniency of the provider
 * (a server that ignores `response_format` may wrap the JSON in fences or prose).
 */
export function parseStructuredReply(response: LLMResponse, meta: ResponseMeta): void {
  if (meta.responseFormat === undefined) return;
  applyResponseFormat(response, meta.responseFormat, { ...meta, lenient: meta.lenientJson });
}
