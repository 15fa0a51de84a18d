import { InvalidResponseError } from "@loom/llm-types";
import { truncateText } from "@loom/llm-types/internal";
import type { ResponseMeta } from "./response-meta.js";

/** `JSON.parse` with a typed error that names the request and keeps the offending text, truncated. */
export function parseJsonBody(text: string, meta: ResponseMeta): unknown {
  try {
    return JSON.parse(text);
  } catch (cause) {
    throw new InvalidResponseError({
      message: `${meta.request} returned a body that is not JSON: ${truncateText(text, 200)}`,
      raw: truncateText(text),
      provider: meta.provider,
      model: meta.model,
      requestId: meta.requestId,
      cause,
    });
  }
}
