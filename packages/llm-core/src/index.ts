export {
  type RunToolsOptions,
  type RunToolsResult,
  runTools,
  type StopReason,
  type ToolResult,
  type ToolStep,
} from "./agent/run-tools.js";
export { type FallbackOptions, withFallback } from "./fallback/with-fallback.js";
export { parseRetryAfter, type RetryAfterHeaders } from "./http/parse-retry-after.js";
export { LLMProvider } from "./llm-provider.js";
export type { CallInfo, LLMProviderOptions, ProviderHooks } from "./provider-hooks.js";
export { normalizeUsage, UNREPORTED_USAGE } from "./response/normalize-usage.js";
export type { RetryInfo } from "./retry/retrier.js";
export { decideRetry, type RetryDecision, type RetryInput } from "./retry/retry-decision.js";
