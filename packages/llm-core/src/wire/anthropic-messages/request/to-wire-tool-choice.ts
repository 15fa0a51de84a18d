import type { ToolChoice } from "@loom/llm-types";

/**
 * Loom's tool choice in Anthropic's words: `required` is `any`, a name is `{type: "tool"}`.
 * With extended thinking Anthropic accepts only `auto` and `none` (a forced tool would skip the
 * thinking): a forced choice then becomes `auto`, and the model may answer without the tool.
 */
export function toWireToolChoice(choice: ToolChoice, thinking: boolean): Record<string, unknown> {
  if (choice === "auto") return { type: "auto" };
  if (choice === "none") return { type: "none" };
  if (thinking) return { type: "auto" };
  return choice === "required" ? { type: "any" } : { type: "tool", name: choice.name };
}
