export {
  createFakeServer,
  type FakeServer,
  type FakeServerOptions,
  type RequestMatch,
} from "./fake-server/create-fake-server.js";
export type {
  Delay,
  EndlessReply,
  ErrorReply,
  FakeReply,
  HangReply,
  JsonReply,
  LargeReply,
  RawReply,
  ReplyBase,
  ReplyEnd,
  ResetReply,
  SseItem,
  SseReply,
} from "./fake-server/fake-reply.js";
export { mostInWindow } from "./fake-server/most-in-window.js";
export type { RecordedRequest } from "./fake-server/recorded-request.js";
export { ECHO_ENCODINGS, undisguiseEcho } from "./hostile/echo-encoding.js";
export { type EchoEncoding, hostile } from "./hostile/hostile.js";
export { MESSAGES_ECHO_PLACES, type MessagesEchoPlace } from "./hostile/messages-echo.js";
export { RESPONSES_ECHO_PLACES, type ResponsesEchoPlace } from "./hostile/responses-echo.js";
export { MockExhaustedError, type MockExhaustedErrorOptions } from "./mock/mock-exhausted-error.js";
export { MockLLM, type MockLLMOptions } from "./mock/mock-llm.js";
export type { MockReply, MockResponse } from "./mock/mock-reply.js";
export {
  createRecordingProxy,
  type RecordingProxy,
  type RecordingProxyOptions,
} from "./record/create-recording-proxy.js";
export {
  type ReplayOptions,
  readTranscript,
  type TranscriptEntry,
  transcriptReplies,
} from "./record/transcript.js";
export {
  type AnthropicErrorOptions,
  type AnthropicErrorType,
  anthropicError,
  anthropicErrorEvent,
} from "./wire/anthropic/anthropic-error.js";
export type { AnthropicUsage } from "./wire/anthropic/anthropic-usage.js";
export { messageBody } from "./wire/anthropic/message-body.js";
export type {
  AnthropicStopReason,
  MessageOptions,
  ScriptedThinking,
} from "./wire/anthropic/message-script.js";
export { type MessageStreamOptions, messageStream } from "./wire/anthropic/message-stream.js";
export {
  type CompletionOptions,
  completionBody,
  type ScriptedToolCall,
} from "./wire/completion-body.js";
export { type ChunkOptions, completionChunk, usageChunk } from "./wire/completion-chunk.js";
export {
  PROVIDER_SHAPES,
  type ProviderScript,
  type ProviderShape,
  providerCompletion,
  providerStream,
} from "./wire/provider-stream.js";
export { responseBody } from "./wire/responses/response-body.js";
export {
  type ResponseErrorEventOptions,
  responseErrorEvent,
} from "./wire/responses/response-error-event.js";
export type { ResponseOptions, ScriptedReasoning } from "./wire/responses/response-script.js";
export {
  type ResponseFailure,
  type ResponseStreamOptions,
  responseStream,
} from "./wire/responses/response-stream.js";
export type { ResponsesUsage } from "./wire/responses/responses-usage.js";
export { type TextStreamOptions, textStream } from "./wire/text-stream.js";
export { type WireUsage, wireUsage } from "./wire/wire-usage.js";
