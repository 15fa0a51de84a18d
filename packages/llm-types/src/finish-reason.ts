/** Why generation stopped. Servers invent others; they pass through as strings. */
export type FinishReason = "stop" | "length" | "tool_calls" | "content_filter" | (string & {});
