import { applyResponseFormat as apply, type LLMResponse } from "@loom/llm-types";
import type { ResponseMeta } from "./response-meta.js";

/** Parses and validates the reply when the request asked for JSON (types' `applyResponseFormat`). */
export function applyResponseFormat(response: LLMResponse, meta: ResponseMeta): void {
  if (meta.responseFormat === undefined) return;
  apply(response, meta.responseFormat, { ...meta, lenient: meta.lenientJson });
}
