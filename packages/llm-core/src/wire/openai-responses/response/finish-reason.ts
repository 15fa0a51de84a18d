import { isObject } from "./output-items.js";

/** Why a response ended, in Loom's words and, when they differ, the server's. */
export interface Finish {
  finishReason: string | null;
  /** The server's own reason when `finishReason` names it otherwise (`max_output_tokens`). */
  nativeFinishReason?: string;
}

/**
 * The finish reason of a response from its `status` (API reference, "The response object":
 * `completed`, `failed`, `in_progress`, `cancelled`, `queued` or `incomplete`) and, when it is
 * `incomplete`, `incomplete_details.reason` (`max_output_tokens` or `content_filter`):
 *
 * - `completed` (or no status at all, as a minimal server may send): `tool_calls` when the
 *   output holds function calls (what a loop acts on, as chat completions say it), else `stop`;
 * - `incomplete` for `max_output_tokens`: `length`, the server's reason kept as
 *   `nativeFinishReason`; for `content_filter`: `content_filter`; another reason passes as the
 *   server wrote it (masked); none at all: `incomplete`;
 * - any other status passes as the server wrote it (masked): text a server chose.
 *
 * `failed` never gets here: it is an error (`responseFailure`).
 */
export function finishOf(
  status: unknown,
  incompleteDetails: unknown,
  hasFunctionCalls: boolean,
  redact: (text: string) => string,
): Finish {
  if (status === "completed" || status === undefined || status === null)
    return { finishReason: hasFunctionCalls ? "tool_calls" : "stop" };
  if (status === "incomplete") {
    const reason = isObject(incompleteDetails) ? incompleteDetails.reason : undefined;
    if (reason === "max_output_tokens")
      return { finishReason: "length", nativeFinishReason: "max_output_tokens" };
    if (reason === "content_filter") return { finishReason: "content_filter" };
    return { finishReason: typeof reason === "string" ? redact(reason) : "incomplete" };
  }
  return { finishReason: typeof status === "string" ? redact(status) : null };
}
