// Helpers the @loom packages share with each other. Not part of the public API: anything here
// may change or go in any release, semver notwithstanding. Import from "@loom/llm-types/internal".
export { applyResponseFormat, type ResponseFormatOptions } from "./apply-response-format.js";
export { closestName } from "./closest-name.js";
export { MAX_TIMER_MS } from "./config/config-rules.js";
export { CONFIG_KEYS } from "./config/llm-config.js";
export { isRetryableStatus } from "./errors/api-status-error.js";
export { createStatusError, type StatusErrorInput } from "./errors/create-status-error.js";
export { describeIssues } from "./errors/invalid-tool-arguments-error.js";
export { headerProblems } from "./header-problems.js";
export { type NumberRule, numberProblem } from "./number-problem.js";
export { omitNullOptionals } from "./omit-null-optionals.js";
export { hideSecrets } from "./redact/hide-secrets.js";
export { redactSecret } from "./redact/redact-secret.js";
export { redactUrl, urlSecrets } from "./redact/redact-url.js";
export { CREDENTIAL_HEADER, CREDENTIAL_PARAM, Redactor } from "./redact/redactor.js";
export { requestProblems } from "./request-problems.js";
export { allowsNull } from "./schema-allows-null.js";
export { showGot, showValue } from "./show-value.js";
export { isZodSchema, toJsonSchema, toZodSchema } from "./to-json-schema.js";
export { MAX_RAW_CHARS, truncateText } from "./truncate-text.js";
export { validateToolCall } from "./validate-tool-call.js";
