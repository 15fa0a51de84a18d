import { type ExchangeFacts, InvalidResponseError, type LLMResponse } from "@loom/llm-types";
import { quoteServerText } from "../../../response/quote-server-text.js";
import { assembleResponse } from "./assemble-response.js";
import { finishOf } from "./finish-reason.js";
import { toolCallOf } from "./function-call.js";
import { normalizeUsage } from "./normalize-usage.js";
import {
  isObject,
  type Json,
  MAX_OUTPUT_ITEMS,
  messageRefusal,
  messageText,
  REASONING_SEPARATOR,
  reasoningTexts,
  tooManyItems,
} from "./output-items.js";
import { responseFailure } from "./response-failure.js";

/**
 * An `LLMResponse` from a whole Responses body (`"object": "response"`). The answer is the
 * `output_text` of every `message` item joined as they came (what the official SDKs call
 * `output_text`), refusals from `refusal` parts, tool calls from `function_call` items,
 * reasoning from `reasoning` items (summaries, and the reasoning text llama.cpp and gpt-oss
 * servers send). Items of any other type (built-in tool calls, future kinds) are kept in the
 * turn's native parts only. Entries that are not objects are skipped, never a TypeError.
 *
 * A response cut short (`incomplete`) is returned, not thrown: what was generated was paid for.
 * A `failed` response, or an `{"error": …}` body, is its typed error.
 */
export function parseResponse(body: unknown, facts: ExchangeFacts): LLMResponse {
  if (!isObject(body)) {
    throw new InvalidResponseError({
      message: `${facts.request} returned a body that is not a response object`,
      raw: quoteServerText(describe(facts.redactor.redactValue(body)), facts),
      provider: facts.provider,
      model: facts.model,
      requestId: facts.requestId,
    });
  }
  if (body.status === "failed")
    throw responseFailure(body.error, facts, "a response with status failed");
  // An error body answered with status 200 (proxies, llama.cpp): `{"error": {...}}` where a
  // response would be; a response carries `error: null` unless it failed.
  if (isObject(body.error) && body.status !== "completed" && body.status !== "incomplete")
    throw responseFailure(body.error, facts, "error in a 200 body");
  // Neither output nor status: not a Responses API answer at all (a chat completion, `{}`), which
  // read as an empty answer would pass for one that said nothing.
  if (!Array.isArray(body.output) && typeof body.status !== "string") {
    throw new InvalidResponseError({
      message: `${facts.request} returned a body with neither output nor status: not a Responses API response`,
      raw: quoteServerText(describe(facts.redactor.redactValue(body)), facts),
      provider: facts.provider,
      model: facts.model,
      requestId: facts.requestId,
    });
  }
  const output = Array.isArray(body.output) ? body.output : [];
  if (output.length > MAX_OUTPUT_ITEMS) throw tooManyItems(facts);
  const items = output.filter(isObject);
  const hasCalls = items.some((item) => item.type === "function_call");
  const finish = finishOf(body.status, body.incomplete_details, hasCalls, facts.redact);
  let text = "";
  let refusal = "";
  const reasoning: string[] = [];
  const toolCalls = [];
  for (const item of items) {
    switch (item.type) {
      case "message":
        text += messageText(item);
        refusal += messageRefusal(item);
        break;
      case "function_call":
        toolCalls.push(toolCallOf(item, facts, finish.finishReason));
        break;
      case "reasoning":
        reasoning.push(...reasoningTexts(item));
        break;
    }
  }
  return assembleResponse({
    content: facts.redact(text),
    refusal: refusal === "" ? undefined : facts.redact(refusal),
    reasoning:
      reasoning.length === 0 ? undefined : facts.redact(reasoning.join(REASONING_SEPARATOR)),
    toolCalls,
    finish,
    usage: normalizeUsage(body.usage),
    id: typeof body.id === "string" ? facts.redact(body.id) : "",
    model: typeof body.model === "string" ? facts.redact(body.model) : facts.model,
    // Masked as values: a secret written with JSON escapes inside a string is matched as written.
    items: items.map((item) => facts.redactor.redactValue(item) as Json),
    facts,
  });
}

/** A body as text for an error, even one too deep or too odd for `JSON.stringify`. */
function describe(body: unknown): string {
  try {
    return JSON.stringify(body) ?? String(body);
  } catch {
    return Object.prototype.toString.call(body);
  }
}
