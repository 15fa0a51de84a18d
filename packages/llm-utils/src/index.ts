// @loom/llm-utils: the runtime helpers of Loom LLM, on the contracts of @loom/llm-types. Public
// and semver: for wire protocols, transports and packages built on Loom as much as for ours.

export { preloadZod } from "#load-zod";
// Schemas: zod and JSON Schema, and structured output and tool-call arguments read back against
// them; a module of its own, so an app's bundler can leave it out of the start of an app that
// only chats.
export {
  allowsNull,
  applyResponseFormat,
  isZodSchema,
  omitNullOptionals,
  prepareSchemas,
  type ResponseFormatOptions,
  type SchemaCarrier,
  type SchemaCheck,
  safeParse,
  toJsonSchema,
  toZodSchema,
  validateToolCall,
} from "#schemas";
// Checks of values a request, a header or an option carries.
export { headerProblems } from "./checks/header-problems.js";
export { type NumberRule, numberProblem } from "./checks/number-problem.js";
export { requestProblems } from "./checks/request-problems.js";
export { CONFIG_DEFAULTS, CONFIG_KEYS } from "./config/config-constants.js";
export { keyHeaderIn, MAX_TIMER_MS, PROTOCOL_NAMES } from "./config/config-rules.js";
// Config: the rules table, checking and defaults.
export { parseConfig } from "./config/parse-config.js";
// Errors: the typed error for a non-2xx response.
export { createStatusError, type StatusErrorInput } from "./errors/create-status-error.js";
export { isStackOverflow } from "./errors/is-stack-overflow.js";
// Redaction: secrets out of printouts, URLs, and whatever a server sends back.
export { hideSecrets, type WithSecrets } from "./redact/hide-secrets.js";
export { redactSecret } from "./redact/redact-secret.js";
export { redactUrl, urlSecrets } from "./redact/redact-url.js";
export { CREDENTIAL_HEADER, CREDENTIAL_PARAM, Redactor } from "./redact/redactor.js";
// The runtime: what a default may read on any JavaScript runtime.
export { runtimeEnv } from "./runtime/runtime-env.js";
export { untilAborted } from "./runtime/until-aborted.js";
// Text shown in messages.
export { closestName } from "./text/closest-name.js";
export { showGot, showValue } from "./text/show-value.js";
export { MAX_RAW_CHARS, truncateText } from "./text/truncate-text.js";

// Tools: defining one (checking a call's arguments against its schema is in `#schemas`).
export { defineTool } from "./tools/define-tool.js";
