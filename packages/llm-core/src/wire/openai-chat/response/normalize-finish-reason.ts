/**
 * The standard name for a finish reason a server spells its own way, so `finishReason ===
 * "length"` means the same everywhere (and `runTools` sees a cut turn): Mistral says
 * `model_length` when the context window filled up. Other reasons pass through as sent, masked
 * (`redact`): it is text a server chose, like any other field of an answer.
 */
export function normalizeFinishReason(reason: string, redact: (text: string) => string): string {
  switch (reason) {
    case "model_length":
      return "length";
    case "stop":
    case "length":
    case "tool_calls":
    case "content_filter":
    case "function_call":
      return reason;
    default:
      return redact(reason);
  }
}
