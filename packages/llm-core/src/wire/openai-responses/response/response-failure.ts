import type { ExchangeFacts, LLMError } from "@loom/llm-types";
import { createStatusError } from "@loom/llm-utils";
import { payloadError } from "../../shared/payload-error.js";
import { isObject } from "./output-items.js";

/**
 * The status each documented `error.code` of a failed response stands for (API reference, "The
 * response object", `error.code`): the API answered 200 and put the failure in the response,
 * so the status is synthetic, chosen for the typed error and its retry rule. A rate limit is a
 * `RateLimitError` (429), the server's own failures a `ServerError` (500, retried), and what
 * is wrong with the request itself (the prompt, an image) a `BadRequestError` (400).
 */
const STATUS_OF_CODE: ReadonlyMap<string, number> = new Map([
  ["rate_limit_exceeded", 429],
  ["server_error", 500],
  ["vector_store_timeout", 500],
  ...[
    "invalid_prompt",
    "invalid_image",
    "invalid_image_format",
    "invalid_base64_image",
    "invalid_image_url",
    "image_too_large",
    "image_too_small",
    "image_parse_error",
    "image_content_policy_violation",
    "invalid_image_mode",
    "image_file_too_large",
    "unsupported_image_media_type",
    "empty_image_file",
    "failed_to_download_image",
    "image_file_not_found",
  ].map((code): [string, number] => [code, 400]),
]);

/**
 * The typed error for a failure the server reported with status 200: a response whose `status`
 * is `failed` (its `error`), a `response.failed` or `error` stream event, or an `{"error": …}`
 * body. A documented code gets its status from the table above; any other error (OpenAI's
 * `insufficient_quota`, llama.cpp's numeric `code`) is typed from its code or type as chat
 * completions types an error inside a stream. The error is masked before it is read.
 */
export function responseFailure(error: unknown, facts: ExchangeFacts, where: string): LLMError {
  const masked = facts.redactor.redactValue(error);
  const object = isObject(masked)
    ? masked
    : { message: typeof masked === "string" ? masked : "the server reported a failed response" };
  const body = JSON.stringify({ error: object });
  const code = object.code;
  const status = typeof code === "string" ? STATUS_OF_CODE.get(code) : undefined;
  if (status === undefined) return payloadError({ error: object }, body, facts, where);
  return createStatusError({
    status,
    body,
    provider: facts.provider,
    model: facts.model,
    requestId: facts.requestId,
    request: `${facts.request} (${where})`,
  });
}
