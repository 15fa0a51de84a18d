import type { ToolChoice } from "@loom/llm-types";

/** `"auto" | "none" | "required"` pass through; `{ name }` forces that function. */
export function toWireToolChoice(choice: ToolChoice): unknown {
  return typeof choice === "string"
    ? choice
    : { type: "function", function: { name: choice.name } };
}
