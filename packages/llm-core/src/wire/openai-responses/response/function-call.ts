import type { ExchangeFacts, ToolCall } from "@loom/llm-types";
import { parseToolCall } from "../../../response/parse-tool-call.js";
import { rawArguments } from "../../shared/raw-arguments.js";
import type { Json } from "./output-items.js";

/**
 * The finish reason a function call's arguments are judged by: `length` when the response was
 * cut by `max_output_tokens` or the item itself says it is `incomplete` (the stream reports a
 * call's item before the response's status), so cut arguments are explained as cut.
 */
export function callFinishReason(status: unknown, finishReason: string | null): string | null {
  return status === "incomplete" ? "length" : finishReason;
}

/**
 * A tool call from a whole `function_call` item: its `call_id` (what the tool's answer names as
 * `function_call_output.call_id`), `name` and `arguments` (a JSON string), each masked before
 * it is parsed, so the parsed arguments and any error about them are masked too.
 */
export function toolCallOf(
  item: Json,
  facts: ExchangeFacts,
  finishReason: string | null,
): ToolCall {
  const raw = rawArguments(item.arguments);
  return parseToolCall(
    typeof item.call_id === "string" && item.call_id !== ""
      ? facts.redact(item.call_id)
      : undefined,
    typeof item.name === "string" ? facts.redact(item.name) : "",
    facts.redact(raw),
    facts,
    callFinishReason(item.status, finishReason),
  );
}
