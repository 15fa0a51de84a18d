import { describe, expect, it } from "vitest";
import { normalizeStopReason } from "./normalize-stop-reason.js";

const redact = (text: string) => text.replaceAll("sk-secret", "sk-…");

describe("normalizeStopReason", () => {
  it.each([
    ["end_turn", "stop", "end_turn"],
    ["stop_sequence", "stop", "stop_sequence"],
    ["max_tokens", "length", "max_tokens"],
    ["model_context_window_exceeded", "length", "model_context_window_exceeded"],
    ["tool_use", "tool_calls", "tool_use"],
    ["refusal", "content_filter", "refusal"],
    ["pause_turn", "pause_turn", undefined],
    ["compaction", "compaction", undefined],
    ["sk-secret", "sk-…", undefined],
  ])("%s → %s (native %s)", (wire, finishReason, nativeFinishReason) => {
    expect(normalizeStopReason(wire, redact)).toEqual({ finishReason, nativeFinishReason });
  });

  it.each([null, undefined, "", 3])("%j → null", (wire) => {
    expect(normalizeStopReason(wire, redact)).toEqual({
      finishReason: null,
      nativeFinishReason: undefined,
    });
  });
});
