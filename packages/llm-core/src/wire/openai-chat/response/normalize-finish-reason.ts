/**
 * The standard name for a finish reason a server spells its own way, so `finishReason ===
 * "length"` means the same everywhere (and `runTools` sees a cut turn): Mistral says
 * `model_length` when the context window filled up. Other reasons pass through as sent.
 */
export function normalizeFinishReason(reason: string): string {
  switch (reason) {
    case "model_length":
      return "length";
    default:
      return reason;
  }
}
