/** Whether and which tool the model must call: `{ name }` forces that tool. */
export type ToolChoice = "auto" | "none" | "required" | { name: string };
