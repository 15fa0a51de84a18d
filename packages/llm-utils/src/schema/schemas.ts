// Schemas: zod and JSON Schema converted, zod loaded off Node.js, and what reads an answer back
// against them (structured output and tool-call arguments). A module of its own (package.json
// `imports`, `#schemas`), so the index only re-exports it and a bundler can leave it out of an
// app's start: a client loads it with the first request that has tools or a `responseFormat`,
// and an app that only chats never does.

export { validateToolCall } from "../tools/validate-tool-call.js";
export { applyResponseFormat, type ResponseFormatOptions } from "./apply-response-format.js";
export { omitNullOptionals } from "./omit-null-optionals.js";
export { prepareSchemas, type SchemaCarrier } from "./prepare-schemas.js";
export { type SchemaCheck, safeParse } from "./safe-parse.js";
export { allowsNull } from "./schema-allows-null.js";
export { isZodSchema, toJsonSchema, toZodSchema } from "./to-json-schema.js";
