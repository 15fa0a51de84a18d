export type { CacheBreakpoint } from "./cache-breakpoint.js";
export type { ChatModel } from "./chat-model.js";
export type { ChatRequest } from "./chat-request.js";
export type { ChatStream } from "./chat-stream.js";
export type {
  ConfigSource,
  LLMConfig,
  LLMConfigInput,
  RateLimitConfig,
} from "./config/llm-config.js";
export type { ErrorContext } from "./error-context.js";
export { AbortError, type AbortErrorOptions } from "./errors/abort-error.js";
export { APIStatusError, type APIStatusErrorOptions } from "./errors/api-status-error.js";
export { AuthenticationError } from "./errors/authentication-error.js";
export { BadRequestError } from "./errors/bad-request-error.js";
export {
  BudgetExceededError,
  type BudgetExceededErrorOptions,
} from "./errors/budget-exceeded-error.js";
export { ConfigError, type ConfigErrorOptions, type ConfigIssue } from "./errors/config-error.js";
export { ConnectionError, type ConnectionErrorOptions } from "./errors/connection-error.js";
export {
  ContextLengthError,
  type ContextLengthErrorOptions,
} from "./errors/context-length-error.js";
export { InsufficientBalanceError } from "./errors/insufficient-balance-error.js";
export {
  InvalidResponseError,
  type InvalidResponseErrorOptions,
} from "./errors/invalid-response-error.js";
export {
  InvalidToolArgumentsError,
  type InvalidToolArgumentsErrorOptions,
  type SchemaIssue,
} from "./errors/invalid-tool-arguments-error.js";
export { LLMError, type LLMErrorClass, type LLMErrorOptions } from "./errors/llm-error.js";
export { NotFoundError } from "./errors/not-found-error.js";
export { PermissionDeniedError } from "./errors/permission-denied-error.js";
export { RateLimitError, type RateLimitErrorOptions } from "./errors/rate-limit-error.js";
export { ServerError } from "./errors/server-error.js";
export {
  TimeoutError,
  type TimeoutErrorOptions,
  type TimeoutPhase,
} from "./errors/timeout-error.js";
export type { FinishReason } from "./finish-reason.js";
export type { CallInfo } from "./hooks/call-info.js";
export type { ProviderHooks } from "./hooks/provider-hooks.js";
export type { RetryInfo } from "./hooks/retry-info.js";
export type { JsonSchema } from "./json-schema.js";
export type { CallGate, GateEntry, GateOutcome, GatePass } from "./limit/call-gate.js";
export type { LLMChoice } from "./llm-choice.js";
export type { LLMContext, LLMLogger, ToolExecutor } from "./llm-context.js";
export type { LLMResponse } from "./llm-response.js";
export type {
  AssistantMessage,
  ContentPart,
  Message,
  SystemMessage,
  ToolMessage,
  UserMessage,
} from "./message.js";
export type { NativeTurn } from "./native-turn.js";
export type { ReasoningOptions } from "./reasoning-options.js";
export type { ResponseFormat } from "./response-format.js";
export type {
  FinishEvent,
  ReasoningEvent,
  RefusalEvent,
  ResponseEvent,
  StreamEvent,
  TextEvent,
  ToolCallDeltaEvent,
  ToolCallEvent,
  UsageEvent,
} from "./stream-event.js";
export type { ToolCall } from "./tool-call.js";
export type { ToolChoice } from "./tool-choice.js";
export type { ToolDefinition, ToolExecutionContext, ToolParameters } from "./tool-definition.js";
export type {
  ResponseBody,
  Transport,
  TransportFactory,
  TransportOptions,
  TransportRequest,
  TransportResponse,
} from "./transport/transport.js";
export type { Usage } from "./usage.js";
export type { ExchangeFacts } from "./wire/exchange-facts.js";
export type { ProtocolName } from "./wire/protocol-name.js";
export type { SecretMask, TextMasking } from "./wire/secret-mask.js";
export type { StatusReply, WireProtocol, WireStreamReader } from "./wire/wire-protocol.js";
export type { ZodSchemaLike } from "./zod-schema-like.js";
