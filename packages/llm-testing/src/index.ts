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
export { type EchoEncoding, hostile } from "./hostile/hostile.js";
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
export { type TextStreamOptions, textStream } from "./wire/text-stream.js";
export { type WireUsage, wireUsage } from "./wire/wire-usage.js";
