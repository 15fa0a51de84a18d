import type { ExchangeFacts } from "@loom/llm-types";
import { InvalidToolArgumentsError, type ToolCall } from "@loom/llm-types";
import { schemaSupport } from "../schema/load-schema-support.js";
import { quoteServerText } from "./quote-server-text.js";

let synthesized = 0;

/**
 * A call's id: the server's, or a unique `call_<n>` made up when it sent none (llama.cpp may
 * send `""`), so the tool message answering the call names an id that matches.
 */
export function toolCallId(id: string | undefined): string {
  return id || `call_${++synthesized}`;
}

/**
 * A tool call from its wire parts. llama.cpp may send `id: ""`: a unique `call_<n>` is made up
 * so the tool message answering it has an id that matches. Empty arguments mean `{}`. Arguments
 * that are not JSON (a call cut by `max_tokens`, a model's slip) are not thrown: the call is
 * returned with its raw arguments and an `InvalidToolArgumentsError` in `error` saying why, so
 * the paid response (content, usage, cost) is kept and a loop can react. When the request
 * defined the tool with a zod schema, the arguments are validated: the call then carries the
 * schema's output, or an `InvalidToolArgumentsError` in `error` for the agent loop to send back.
 */
export function parseToolCall(
  id: string | undefined,
  name: string,
  rawArguments: string,
  meta: ExchangeFacts,
  finishReason: string | null | undefined,
): ToolCall {
  const callId = toolCallId(id);
  let args: unknown;
  if (rawArguments.trim() === "") {
    args = {};
  } else {
    try {
      args = JSON.parse(rawArguments);
    } catch {
      const cut = finishReason === "length";
      return {
        id: callId,
        name,
        arguments: undefined,
        rawArguments,
        error: new InvalidToolArgumentsError({
          toolName: name,
          toolCallId: callId,
          rawArguments: quoteServerText(rawArguments, meta),
          issues: [
            {
              path: [],
              message: cut
                ? "the arguments were cut off before they were complete (finish reason length: raise maxTokens)"
                : "the arguments are not valid JSON",
            },
          ],
          provider: meta.provider,
          model: meta.model,
          requestId: meta.requestId,
        }),
      };
    }
  }
  // The text was masked before parsing; a value that held a secret written with JSON escapes
  // inside a string (`\\u0073…`) is masked now, and the raw text is the masked value's. Without
  // a backslash every parsed string is a piece of the masked text as it stands: nothing to do.
  let raw = rawArguments;
  if (!meta.redactor.empty && rawArguments.includes("\\")) {
    const masked = meta.redactor.redactValue(args);
    if (masked !== args) {
      args = masked;
      raw = JSON.stringify(masked);
    }
  }
  const call: ToolCall = { id: callId, name, arguments: args, rawArguments: raw };
  // With no tools asked for there is no schema to check against (a server may call one anyway).
  if (meta.tools === undefined || meta.tools.length === 0) return call;
  return schemaSupport().validateToolCall(call, meta.tools, meta);
}
