import { InvalidResponseError, type ToolCall } from "@loom/llm-types";
import { validateToolCall } from "@loom/llm-types/internal";
import { quoteServerText } from "./quote-server-text.js";
import type { ResponseMeta } from "./response-meta.js";

let synthesized = 0;

/**
 * A tool call from its wire parts. llama.cpp may send `id: ""`: a unique `call_<n>` is made up
 * so the tool message answering it has an id that matches. Empty arguments mean `{}`; arguments
 * that are not JSON are an `InvalidResponseError` keeping the raw string. When the request
 * defined the tool with a zod schema, the arguments are validated: the call then carries the
 * schema's output, or an `InvalidToolArgumentsError` in `error` for the agent loop to send back.
 */
export function parseToolCall(
  id: string | undefined,
  name: string,
  rawArguments: string,
  meta: ResponseMeta,
): ToolCall {
  let args: unknown;
  if (rawArguments.trim() === "") {
    args = {};
  } else {
    try {
      args = JSON.parse(rawArguments);
    } catch {
      // No `cause`: the parser's message quotes the text where it failed, unmasked.
      throw new InvalidResponseError({
        message: `Tool call "${name}" has arguments that are not valid JSON: ${quoteServerText(rawArguments, meta, 200)}`,
        raw: quoteServerText(rawArguments, meta),
        provider: meta.provider,
        model: meta.model,
        requestId: meta.requestId,
      });
    }
  }
  const call: ToolCall = { id: id || `call_${++synthesized}`, name, arguments: args, rawArguments };
  return validateToolCall(call, meta.tools, meta);
}
