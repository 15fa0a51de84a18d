export { parseRetryAfter, type RetryAfterHeaders } from "./http/parse-retry-after.js";
export { LLMProvider } from "./llm-provider.js";
export { normalizeUsage, UNREPORTED_USAGE } from "./response/normalize-usage.js";
