import type { ChatRequest } from "../chat-request.js";
import type { LLMResponse } from "../llm-response.js";
import type { Usage } from "../usage.js";
import type { CallInfo } from "./call-info.js";
import type { RetryInfo } from "./retry-info.js";

/**
 * Behaviour composed onto a provider without threading it through the request path: preset
 * rules, cost tracking, telemetry. Every hook is optional; hooks run in the order given.
 *
 * Order within one call or stream: `beforeRequest` once; then per attempt `onWait` (when a
 * gate held it) and `prepareBody`, with `onRetry` between attempts; then exactly one of `onResponse`, `onError` or (a stream left
 * early) `onCancel`. For a stream, `onFirstChunk` runs before `onResponse`, and only when a
 * chunk reached the caller. When a `beforeRequest` throws, the hooks whose `beforeRequest`
 * already ran get `onError` with that error, so whatever they opened is closed.
 */
export interface ProviderHooks {
  /** Before anything is sent. Throwing stops the call (a spent budget, say). */
  beforeRequest?(request: ChatRequest, info: CallInfo): void;
  /** Adjusts the wire body: options a model rejects, reasoning replay, response formats. */
  prepareBody?(body: Record<string, unknown>, request: ChatRequest, info: CallInfo): void;
  /** After a response is complete (a call, or a whole stream); may add fields such as `costUsd`. */
  onResponse?(response: LLMResponse, request: ChatRequest, info: CallInfo): void;
  /** An attempt waited at the client's gates (a rate limit) before it was sent. */
  onWait?(waitedMs: number, request: ChatRequest, info: CallInfo): void;
  /** Before waiting for another attempt. */
  onRetry?(retry: RetryInfo, request: ChatRequest, info: CallInfo): void;
  /** When a stream's first chunk reaches the caller (time to first chunk). */
  onFirstChunk?(request: ChatRequest, info: CallInfo): void;
  /**
   * When a stream is left before it finished (the caller broke out of its loop), without error.
   * `usage`: what the server had reported by then (billed), when it had.
   */
  onCancel?(request: ChatRequest, info: CallInfo, usage?: Usage): void;
  /** After a call or stream failed. */
  onError?(error: unknown, request: ChatRequest, info: CallInfo): void;
}
