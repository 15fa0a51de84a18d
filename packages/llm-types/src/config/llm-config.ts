/**
 * A provider's settings as the user writes them: TypeScript's camelCase twin of a `[llm.NAME]`
 * table in `loom.toml`. Only `baseUrl` and `model` are required.
 */
export interface LLMConfigInput {
  /** Base URL of an OpenAI-compatible API, up to the `/v1`: `https://api.deepseek.com/v1`. */
  baseUrl: string;
  /** Model sent when a call names none. */
  model: string;
  /** Sent as `Authorization: Bearer <apiKey>`; omit for local servers that need none. */
  apiKey?: string | undefined;
  /** The environment variable the key came from; named in authentication errors. */
  apiKeyEnv?: string | undefined;
  /** Name in errors, logs and spans: `deepseek`, `openai`, `local` or your own. @default "custom" */
  provider?: string | undefined;
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

/** Every default in one place, with the reason for each. */
export const CONFIG_DEFAULTS: {
  readonly provider: string;
  readonly timeoutMs: number;
  readonly streamIdleTimeoutMs: number;
  readonly maxRetries: number;
  readonly maxRetryDelayMs: number;
  readonly maxResponseBytes: number;
  readonly streamUsage: boolean;
  readonly enforcesResponseFormat: boolean;
  readonly allowInsecureHttp: boolean;
} = Object.freeze({
  provider: "custom",
  // Long enough for a loaded API to start answering; far below undici's 300 s that hides hangs.
  timeoutMs: 30_000,
  // DeepSeek may send keep-alive comments for minutes while stalled: this bounds real progress.
  streamIdleTimeoutMs: 120_000,
  // Three attempts ride out a blip without tripling a real outage's latency much further.
  maxRetries: 2,
  // Past a minute, an agent is better told at once (the error carries `retryAfterMs`).
  maxRetryDelayMs: 60_000,
  // A chat completion is kilobytes; 32 MiB means a broken or hostile server, not a reply.
  maxResponseBytes: 32 * 1024 * 1024,
  streamUsage: true,
  // A server that ignores response_format is the exception; the local preset says so.
  enforcesResponseFormat: true,
  allowInsecureHttp: false,
});

/** A validated config with every default filled in. The key never shows when printed. */
export interface LLMConfig {
  readonly baseUrl: string;
  readonly model: string;
  readonly apiKey?: string | undefined;
  readonly apiKeyEnv?: string | undefined;
  readonly provider: string;
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

/** Every key an `LLMConfigInput` may have, in the schema's order (checked against it). */
export const CONFIG_KEYS: readonly (keyof LLMConfigInput)[] = Object.freeze([
  "baseUrl",
  "model",
  "apiKey",
  "apiKeyEnv",
  "provider",
  "temperature",
  "maxTokens",
  "topP",
  "headers",
  "timeoutMs",
  "streamIdleTimeoutMs",
  "maxRetries",
  "maxRetryDelayMs",
  "maxConcurrency",
  "rateLimit",
  "maxConnections",
  "maxResponseBytes",
  "streamUsage",
  "enforcesResponseFormat",
  "allowInsecureHttp",
] as const);

/** Requests and tokens a provider account allows per minute (`rate_limit` in `loom.toml`). */
export interface RateLimitConfig {
  requestsPerMinute?: number | undefined;
  tokensPerMinute?: number | undefined;
}
