// Structured output and tool-call arguments read back against the request's schemas, imported
// dynamically (`load-answer-checks.ts`): a bundler puts this, and llm-utils' `#answer-checks`
// behind it, in a chunk of its own, which an app that only chats never loads.
export { applyResponseFormat, validateToolCall } from "@loom/llm-utils";
