import type { ChatRequest, LLMContext, LLMResponse } from "@loom/llm-types";
import type { RetryInfo } from "./retry/retrier.js";

/** What a hook knows about the call it is watching. */
export interface CallInfo {
  readonly provider: string;
  /** The model the request asks for. */
  readonly model: string;
  readonly stream: boolean;
  readonly context: LLMContext;
  /** The provider's base URL (no credentials: those are refused in config). */
  readonly baseUrl: string;
}

/**
 * Behaviour composed onto a provider without threading it through the request path: preset
 * rules, cost tracking, telemetry. Every hook is optional; hooks run in the order given.
 */
export interface ProviderHooks {
  /** Before anything is sent. Throwing stops the call (a spent budget, say). */
  beforeRequest?(request: ChatRequest, info: CallInfo): void;
  /** Adjusts the wire body: options a model rejects, reasoning replay, response formats. */
  prepareBody?(body: Record<string, unknown>, request: ChatRequest, info: CallInfo): void;
  /** After a response is complete (a call, or a whole stream); may add fields such as `costUsd`. */
  onResponse?(response: LLMResponse, request: ChatRequest, info: CallInfo): void;
  /** Before waiting for another attempt. */
  onRetry?(retry: RetryInfo, request: ChatRequest, info: CallInfo): void;
  /** When a stream's first chunk reaches the caller (time to first chunk). */
  onFirstChunk?(request: ChatRequest, info: CallInfo): void;
  /** When a stream is left before it finished (the caller broke out of its loop), without error. */
  onCancel?(request: ChatRequest, info: CallInfo): void;
  /** After a call or stream failed. */
  onError?(error: unknown, request: ChatRequest, info: CallInfo): void;
}

/** Options of an `LLMProvider` beyond its config. */
export interface LLMProviderOptions {
  hooks?: readonly ProviderHooks[];
}
