import type { ProtocolName } from "../wire/protocol-name.js";

// The config's contract: what a user writes and what a validated config holds. The rules (each
// key's range and default, with its reason) and `parseConfig` are in @loom/llm-utils
// (config/config-rules.ts), whose type checks fail its build if they drift from these interfaces.

/**
 * A provider's settings as the user writes them: TypeScript's camelCase twin of a `[llm.NAME]`
 * table in `loom.toml`. Only `baseUrl` and `model` are required.
 */
export interface LLMConfigInput {
  /** Base URL of an OpenAI-compatible API, up to the `/v1`: `https://api.deepseek.com/v1`. */
  baseUrl: string;
  /** Model sent when a call names none. */
  model: string;
  /**
   * The key, sent as the protocol says (`Authorization: Bearer`, Anthropic's `x-api-key`); omit
   * for local servers that need none.
   */
  apiKey?: string | undefined;
  /** The environment variable the key came from; named in authentication errors. */
  apiKeyEnv?: string | undefined;
  /** Name in errors, logs and spans: `deepseek`, `openai`, `local` or your own. @default "custom" */
  provider?: string | undefined;
  /**
   * The wire protocol the server speaks: `openai-chat` (OpenAI's chat completions, which
   * DeepSeek, vLLM, Ollama, llama.cpp and most gateways speak too), `anthropic-messages`
   * (Anthropic's Messages API) or `openai-responses` (OpenAI's Responses API).
   * @default "openai-chat"
   */
  protocol?: ProtocolName | undefined;
  /** Sampling temperature, 0..2. Not sent unless set. */
  temperature?: number | undefined;
  /** Upper bound on completion tokens (`max_tokens` on the wire). Not sent unless set. */
  maxTokens?: number | undefined;
  /** Nucleus sampling, 0..1. Not sent unless set. */
  topP?: number | undefined;
  /** Headers added to every request (a gateway's routing header, say). */
  headers?: Record<string, string> | undefined;
  /** Bounds the wait for response headers and each gap between stream chunks. @default 30000 */
  timeoutMs?: number | undefined;
  /** A longer bound on the gap between stream data events; keep-alive comments do not reset it. @default 120000 */
  streamIdleTimeoutMs?: number | undefined;
  /** Retries after the first attempt; `0` disables. @default 2 */
  maxRetries?: number | undefined;
  /** A server asking to wait longer than this fails at once instead. @default 60000 */
  maxRetryDelayMs?: number | undefined;
  /** Calls in flight at once; more wait in a queue. No limit beyond the pool when unset. */
  maxConcurrency?: number | undefined;
  /**
   * The provider account's limits, kept in this process: requests wait (abortably, never past
   * their deadline) rather than draw 429s. Clients with the same provider, base URL and limits
   * share one. For several processes, pass a shared gate (`@loom/llm-redis`) instead.
   */
  rateLimit?: RateLimitConfig | undefined;
  /**
   * Sockets in the keep-alive pool; requests beyond it wait inside the pool for a free one.
   * @default unbounded (a socket per request in flight, reused once free, as `fetch` does)
   */
  maxConnections?: number | undefined;
  /** Largest response body, and largest single SSE event, accepted. @default 33554432 (32 MiB) */
  maxResponseBytes?: number | undefined;
  /** Send `stream_options: {include_usage: true}` when streaming; a few servers reject it. @default true */
  streamUsage?: boolean | undefined;
  /**
   * Whether the server enforces `response_format`. When it does not (some local servers ignore
   * it), JSON replies are also looked for inside code fences and after leading prose.
   * @default true
   */
  enforcesResponseFormat?: boolean | undefined;
  /** Permit sending a key over plain `http://` to a host that is not loopback. @default false */
  allowInsecureHttp?: boolean | undefined;
}

/** A validated config with every default filled in. The key never shows when printed. */
export interface LLMConfig {
  readonly baseUrl: string;
  readonly model: string;
  readonly apiKey?: string | undefined;
  readonly apiKeyEnv?: string | undefined;
  readonly provider: string;
  readonly protocol: ProtocolName;
  readonly temperature?: number | undefined;
  readonly maxTokens?: number | undefined;
  readonly topP?: number | undefined;
  readonly headers: Readonly<Record<string, string>>;
  readonly timeoutMs: number;
  readonly streamIdleTimeoutMs: number;
  readonly maxRetries: number;
  readonly maxRetryDelayMs: number;
  readonly maxConcurrency?: number | undefined;
  readonly rateLimit?: Readonly<RateLimitConfig> | undefined;
  readonly maxConnections?: number | undefined;
  readonly maxResponseBytes: number;
  readonly streamUsage: boolean;
  readonly enforcesResponseFormat: boolean;
  readonly allowInsecureHttp: boolean;
}

/** Requests and tokens a provider account allows per minute (`rate_limit` in `loom.toml`). */
export interface RateLimitConfig {
  requestsPerMinute?: number | undefined;
  tokensPerMinute?: number | undefined;
}

/** Where a config came from, named in the `ConfigError` (`loom.toml`, `[llm.deepseek]`). */
export interface ConfigSource {
  file?: string | undefined;
  table?: string | undefined;
}
