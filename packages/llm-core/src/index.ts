// The vocabulary a user of the provider needs, so `@loom/llm-core` works on its own.
export {
  AbortError,
  APIStatusError,
  type AssistantMessage,
  AuthenticationError,
  BadRequestError,
  type ChatModel,
  type ChatRequest,
  type ChatStream,
  ConfigError,
  ConnectionError,
  ContextLengthError,
  defineTool,
  InsufficientBalanceError,
  InvalidResponseError,
  InvalidToolArgumentsError,
  type LLMConfig,
  type LLMConfigInput,
  type LLMContext,
  LLMError,
  type LLMResponse,
  type Message,
  NotFoundError,
  PermissionDeniedError,
  RateLimitError,
  type ResponseFormat,
  ServerError,
  type StreamEvent,
  type SystemMessage,
  TimeoutError,
  type ToolCall,
  type ToolChoice,
  type ToolDefinition,
  type ToolMessage,
  type Usage,
  type UserMessage,
} from "@loom/llm-types";
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
