import type { ResponseOptions, ScriptedItem } from "./response-script.js";
import { type ResponsesUsage, responsesWireUsage } from "./responses-usage.js";

/** An output item as the API sends it (`status` is the message's: `in_progress` for one cut off). */
export function finishedItem(item: ScriptedItem, status: string): Record<string, unknown> {
  switch (item.type) {
    case "reasoning":
      return {
        id: item.id,
        type: "reasoning",
        ...(item.encryptedContent === undefined
          ? {}
          : { encrypted_content: item.encryptedContent }),
        summary:
          item.summary === null ? [] : [{ type: "summary_text", text: item.summary.join("") }],
      };
    case "message":
      return {
        id: item.id,
        type: "message",
        status,
        content: [outputText(item.pieces.join(""))],
        role: "assistant",
      };
    case "function_call":
      return {
        id: item.id,
        type: "function_call",
        // A call is whole once done, even in an incomplete response; one cut off is in progress.
        status: status === "in_progress" ? "in_progress" : "completed",
        arguments: item.arguments,
        call_id: item.callId,
        name: item.name,
      };
  }
}

/** An `output_text` content part. */
export function outputText(text: string): Record<string, unknown> {
  return { type: "output_text", annotations: [], logprobs: [], text };
}

/** What the whole response says besides its output, at a given point of its life. */
export interface Envelope {
  status: "in_progress" | "completed" | "incomplete" | "failed";
  output: readonly Record<string, unknown>[];
  usage: ResponsesUsage | null;
  error?: { code: string; message: string };
}

/**
 * A `response` object as the API sends it in 2026 (vercel/ai's recorded
 * `openai-reasoning-encrypted-content.1.json`, `openai-client-tool-search.1.json`): the request's
 * settings echoed back, `completed_at` once completed, `incomplete_details` and `error` as the
 * status says.
 */
export function responseObject(
  options: ResponseOptions,
  envelope: Envelope,
): Record<string, unknown> {
  return {
    id: options.id ?? "resp_fake",
    object: "response",
    created_at: 1_790_000_000,
    status: envelope.status,
    background: false,
    completed_at: envelope.status === "completed" ? 1_790_000_001 : null,
    error: envelope.error ?? null,
    incomplete_details:
      envelope.status === "incomplete"
        ? { reason: options.incompleteReason ?? "max_output_tokens" }
        : null,
    instructions: null,
    max_output_tokens: null,
    max_tool_calls: null,
    model: options.model ?? "fake-model",
    output: envelope.output,
    parallel_tool_calls: true,
    previous_response_id: null,
    prompt_cache_key: null,
    prompt_cache_retention: null,
    reasoning: {
      effort: options.reasoning === undefined ? null : "medium",
      summary: options.reasoning?.summary === undefined ? null : "auto",
    },
    safety_identifier: null,
    service_tier: envelope.status === "in_progress" ? "auto" : "default",
    store: true,
    temperature: 1,
    text: { format: { type: "text" }, verbosity: "medium" },
    tool_choice: "auto",
    tools: [],
    top_logprobs: 0,
    top_p: 1,
    truncation: "disabled",
    // Usage comes with a completed or incomplete response only (a failed one has `usage: null`).
    usage:
      (envelope.status === "completed" || envelope.status === "incomplete") &&
      envelope.usage !== null
        ? responsesWireUsage(envelope.usage)
        : null,
    user: null,
    metadata: {},
  };
}
