export {
  createFakeServer,
  type FakeServer,
  type FakeServerOptions,
} from "./fake-server/create-fake-server.js";
export type {
  Delay,
  ErrorReply,
  FakeReply,
  HangReply,
  JsonReply,
  LargeReply,
  RawReply,
  ReplyEnd,
  ResetReply,
  SseItem,
  SseReply,
} from "./fake-server/fake-reply.js";
export type { RecordedRequest } from "./fake-server/recorded-request.js";
export {
  type CompletionOptions,
  completionBody,
  type ScriptedToolCall,
} from "./wire/completion-body.js";
export { type ChunkOptions, completionChunk, usageChunk } from "./wire/completion-chunk.js";
export { type TextStreamOptions, textStream } from "./wire/text-stream.js";
export { type WireUsage, wireUsage } from "./wire/wire-usage.js";
