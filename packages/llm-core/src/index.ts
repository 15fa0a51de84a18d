// First, so an unsupported Node.js is named before undici fails inside its own code.
import "./node-version.js";

// The vocabulary a user of the provider needs, so `@loom/llm-core` works on its own.
export {
  AbortError,
  APIStatusError,
  type AssistantMessage,
  AuthenticationError,
  BadRequestError,
  type CallGate,
  type CallInfo,
  type ChatModel,
  type ChatRequest,
  type ChatStream,
  ConfigError,
  ConnectionError,
  ContextLengthError,
  type GateEntry,
  type GateOutcome,
  type GatePass,
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
  type ProviderHooks,
  type RateLimitConfig,
  RateLimitError,
  type ResponseFormat,
  type RetryInfo,
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
export { defineTool } from "@loom/llm-utils";
// One entry point with the same names on every runtime; off Node, `#undici-transport` is a
// stand-in whose use is a ConfigError (package.json `imports`), so undici is never loaded there.
export { UndiciTransport, undiciTransport } from "#undici-transport";
export {
  type RunToolsOptions,
  type RunToolsResult,
  runTools,
  type StopReason,
  type ToolResult,
  type ToolStep,
} from "./agent/run-tools.js";
export { ChatClient } from "./chat-client.js";
export type { ChatClientOptions } from "./chat-client-options.js";
export { checkClientOptions } from "./check-client-options.js";
export { type FallbackOptions, withFallback } from "./fallback/with-fallback.js";
export { RateLimitGate, type RateLimitOptions } from "./limit/rate-limit-gate.js";
export {
  type RateLimitHeaders,
  type ResponseHeaders,
  readRateLimitHeaders,
} from "./limit/rate-limit-headers.js";
export { FetchTransport, fetchTransport } from "./transport/fetch-transport.js";
