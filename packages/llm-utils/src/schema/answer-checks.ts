// What reads an answer back against the request's schemas: structured output and tool-call
// arguments. A module of its own (package.json `imports`, `#answer-checks`), so the index only
// re-exports it and a bundler can leave it out of an app's start: a client loads it with the
// first request that has a `responseFormat` or tools, and an app that only chats never does.

export { validateToolCall } from "../tools/validate-tool-call.js";
export { applyResponseFormat, type ResponseFormatOptions } from "./apply-response-format.js";
export { omitNullOptionals } from "./omit-null-optionals.js";
export { type SchemaCheck, safeParse } from "./safe-parse.js";
