import type { LLMConfig } from "@loom/llm-types";
import { requestHeaders } from "./request-headers.js";

/**
 * The headers of OpenAI's APIs (chat completions and Responses alike): JSON in, JSON or SSE out,
 * the config's headers lower-cased, and the key as a bearer token.
 */
export function bearerHeaders(config: LLMConfig, stream: boolean): Record<string, string> {
  const headers = requestHeaders(config, stream);
  if (config.apiKey !== undefined) headers.authorization = `Bearer ${config.apiKey}`;
  return headers;
}
