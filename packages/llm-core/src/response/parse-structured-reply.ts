import type { ExchangeFacts } from "@loom/llm-types";
import { InvalidResponseError, type LLMResponse } from "@loom/llm-types";
import { schemaSupport } from "../schema/load-schema-support.js";

/**
 * Fills `response.parsed` when the request asked for JSON, with the leniency of the provider
 * (a server that ignores `response_format` may wrap the JSON in fences or prose). With several
 * answers each is parsed: the first's failure is the call's, the others' go to their `error`.
 */
export function parseStructuredReply(response: LLMResponse, meta: ExchangeFacts): void {
  if (meta.responseFormat === undefined) return;
  const { applyResponseFormat } = schemaSupport();
  const options = { ...meta, lenient: meta.lenientJson };
  applyResponseFormat(response, meta.responseFormat, { ...options, paid: response });
  const choices = response.choices;
  if (choices === undefined) return;
  for (const choice of choices) {
    if (choice.index === choices[0]?.index) {
      if (response.parsed !== undefined) choice.parsed = response.parsed;
      continue;
    }
    try {
      applyResponseFormat(choice, meta.responseFormat, options);
    } catch (error) {
      if (!(error instanceof InvalidResponseError)) throw error;
      choice.error = error;
    }
  }
}
