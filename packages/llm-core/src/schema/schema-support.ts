// What a request with tools or a `responseFormat` needs and a chat does not: its schemas
// converted for the wire (whole for OpenAI's chat completions, the protocol bundled with the
// client; the parts every protocol uses for the others), zod loaded off Node.js, and the answer
// read back against them. Imported dynamically (`load-schema-support.ts`): a bundler puts this, and
// llm-utils' `#schemas` behind it, in a chunk of its own, which an app that only chats never loads.
export {
  applyResponseFormat,
  prepareSchemas,
  toJsonSchema,
  validateToolCall,
} from "@loom/llm-utils";
export { toWireResponseFormat } from "../wire/openai-chat/request/to-wire-response-format.js";
export { toWireTools } from "../wire/openai-chat/request/to-wire-tools.js";
export { toStrictJsonSchema } from "../wire/shared/to-strict-json-schema.js";
