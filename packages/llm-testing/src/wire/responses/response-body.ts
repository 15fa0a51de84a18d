import { finishedItem, responseObject } from "./response-object.js";
import { itemsUsage, type ResponseOptions, responseItems } from "./response-script.js";

/**
 * A whole OpenAI Responses reply (`POST /v1/responses` without `stream`), shaped as the API sends
 * it in 2026 (vercel/ai's recorded `openai-reasoning-encrypted-content.1.json`): a `reasoning`
 * item (summary, `encrypted_content`), a `message` item with one `output_text` part, and
 * `function_call` items (`call_id`, `arguments` as a JSON string); `status` `completed`, or
 * `incomplete` with `incomplete_details.reason`; `usage` with its details.
 */
export function responseBody(options: ResponseOptions = {}): Record<string, unknown> {
  const items = responseItems(options);
  const status = options.status ?? "completed";
  return responseObject(options, {
    status,
    output: items.map((item) => finishedItem(item, status)),
    usage: itemsUsage(options, items),
  });
}
