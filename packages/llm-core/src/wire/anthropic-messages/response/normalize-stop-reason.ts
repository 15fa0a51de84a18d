/** A stop reason in Loom's words, and Anthropic's own when they differ. */
export interface StopReason {
  finishReason: string | null;
  /** The reason as Anthropic wrote it, when `finishReason` names it otherwise. */
  nativeFinishReason: string | undefined;
}

/**
 * Anthropic's `stop_reason` as a finish reason, so `finishReason === "length"` means the same
 * on every protocol (and `runTools` sees a cut turn). From Anthropic's "Handling stop reasons":
 * `end_turn` and `stop_sequence` are a normal stop; `max_tokens` and
 * `model_context_window_exceeded` ran out of room; `tool_use` asks for tools; `refusal` is the
 * safety classifier's stop; `pause_turn` (a long server-tool turn paused, to be sent back to
 * continue) has no portable name and passes as it is. Unknown reasons pass masked: text a
 * server chose.
 */
export function normalizeStopReason(reason: unknown, redact: (text: string) => string): StopReason {
  if (typeof reason !== "string" || reason === "")
    return { finishReason: null, nativeFinishReason: undefined };
  const finishReason = portable(reason) ?? redact(reason);
  const native = finishReason === reason ? undefined : redact(reason);
  return { finishReason, nativeFinishReason: native === finishReason ? undefined : native };
}

function portable(reason: string): string | undefined {
  switch (reason) {
    case "end_turn":
    case "stop_sequence":
      return "stop";
    case "max_tokens":
    case "model_context_window_exceeded":
      return "length";
    case "tool_use":
      return "tool_calls";
    case "refusal":
      return "content_filter";
    case "pause_turn":
      return "pause_turn";
    default:
      return undefined;
  }
}
