import type { ToolChoice } from "@loom/llm-types";

/** `"auto" | "none" | "required"` pass through; `{ name }` forces that function (flat here). */
export function toWireToolChoice(choice: ToolChoice): unknown {
  return typeof choice === "string" ? choice : { type: "function", name: choice.name };
}
