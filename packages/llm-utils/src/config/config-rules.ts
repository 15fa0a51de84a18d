import type { ProtocolName } from "@loom/llm-types";

// The rules of a provider config, once: every key's type, range, default and the words its
// messages use. `validateConfig` reads this table to accept a config (filling its defaults) or
// to say everything that is wrong with it; `CONFIG_KEYS` and `CONFIG_DEFAULTS` are read from it,
// and loom.toml's keys from `CONFIG_KEYS`; the request options that share a config key's range
// read it here too. A key added here is checked, defaulted, named in messages and accepted in
// loom.toml; the type checks in `config-constants.ts` fail the build if this table and the
// `LLMConfigInput` / `LLMConfig` interfaces drift apart.

/**
 * The longest wait Node's timers can hold: a longer one silently fires after 1 ms (a stream
 * idle limit of days would time every stream out at once).
 */
export const MAX_TIMER_MS = 2_147_483_647;

/**
 * What one key accepts. Every message a value can earn is written from these fields, in
 * `validate-config.ts`:
 * - `url`: an http(s) URL without credentials; trailing `/` dropped (`must be an http(s) URL, got …`).
 * - `text`: a non-blank string (`must be <what>, got …`).
 * - `secret`: the API key: trimmed, fit for an `Authorization` header, never echoed.
 * - `env-name`: the name of an environment variable, never echoed.
 * - `choice`: one of `values` (`must be "a"`, `must be one of "a" or "b"`, `…, got "c"`).
 * - `number`: within `min`..`max` (`must be between 0 and 2, got 3`); with `integer`, a whole
 *   number of at least `min` (`must be a positive integer, got 1.5`) and at most `max`, in `unit`.
 * - `flag`: true or false.
 * - `headers`: header names to string values, each passing the header rules.
 * - `limits`: an object of the named number rules (`rateLimit`).
 */
export type ValueRule =
  | { readonly kind: "url" }
  | { readonly kind: "text"; readonly what: string }
  | { readonly kind: "secret" }
  | { readonly kind: "env-name" }
  | { readonly kind: "choice"; readonly values: readonly string[] }
  | NumberRule
  | { readonly kind: "flag" }
  | { readonly kind: "headers" }
  | { readonly kind: "limits"; readonly of: Readonly<Record<string, NumberRule>> };

/** A number's rule; an integer's `max` is unbounded when left out. */
export interface NumberRule {
  readonly kind: "number";
  readonly min: number;
  readonly max?: number;
  readonly integer: boolean;
  /** Said after `max` in a message: `ms` reads `2147483647 ms (about 24.8 days)`. */
  readonly unit?: "ms";
}

/** A key's rule: its value's rule, and whether it is required or what it defaults to. */
export type KeyRule = ValueRule & {
  /** Absent (or `undefined`) is an issue: `is required`. */
  readonly required?: true;
  /** Filled in when absent (an object default is copied for each config). */
  readonly default?: string | number | boolean | object;
};

/**
 * Every key of a config with its rule, in the order configs are checked, reported and built.
 * Literal values only (no references), so that its exact type is known to the checks.
 */
export const CONFIG_RULES = {
  baseUrl: { kind: "url", required: true },
  model: { kind: "text", what: "a model name", required: true },
  // Never echoed: this is the secret.
  apiKey: { kind: "secret" },
  // Never echoed: a key pasted here by mistake is still a key.
  apiKeyEnv: { kind: "env-name" },
  provider: { kind: "text", what: "a provider name", default: "custom" },
  // Every OpenAI-compatible server speaks openai-chat: the default.
  protocol: {
    kind: "choice",
    values: ["openai-chat", "anthropic-messages", "openai-responses"],
    default: "openai-chat",
  },
  temperature: { kind: "number", min: 0, max: 2, integer: false },
  maxTokens: { kind: "number", min: 1, integer: true },
  topP: { kind: "number", min: 0, max: 1, integer: false },
  headers: { kind: "headers", default: {} },
  // Long enough for a loaded API to start answering; far below undici's 300 s that hides hangs.
  // Every timer's `max` is MAX_TIMER_MS (checked in config-constants.ts).
  timeoutMs: {
    kind: "number",
    min: 1,
    max: 2_147_483_647,
    integer: true,
    unit: "ms",
    default: 30_000,
  },
  // DeepSeek may send keep-alive comments for minutes while stalled: this bounds real progress.
  streamIdleTimeoutMs: {
    kind: "number",
    min: 1,
    max: 2_147_483_647,
    integer: true,
    unit: "ms",
    default: 120_000,
  },
  // Three attempts ride out a blip without tripling a real outage's latency much further.
  maxRetries: { kind: "number", min: 0, integer: true, default: 2 },
  // Past a minute, an agent is better told at once (the error carries `retryAfterMs`).
  maxRetryDelayMs: {
    kind: "number",
    min: 0,
    max: 2_147_483_647,
    integer: true,
    unit: "ms",
    default: 60_000,
  },
  maxConcurrency: { kind: "number", min: 1, integer: true },
  rateLimit: {
    kind: "limits",
    of: {
      requestsPerMinute: { kind: "number", min: 1, integer: true },
      tokensPerMinute: { kind: "number", min: 1, integer: true },
    },
  },
  // No default: a fixed cap would hold the 65th of 500 agents' streams behind a whole stream.
  maxConnections: { kind: "number", min: 1, integer: true },
  // A chat completion is kilobytes; 32 MiB means a broken or hostile server, not a reply.
  maxResponseBytes: { kind: "number", min: 1, integer: true, default: 33_554_432 },
  streamUsage: { kind: "flag", default: true },
  // A server that ignores response_format is the exception; the local preset says so.
  enforcesResponseFormat: { kind: "flag", default: true },
  allowInsecureHttp: { kind: "flag", default: false },
} as const;
Object.freeze(CONFIG_RULES);

/** The wire protocols a config may name (`protocol`). */
export const PROTOCOL_NAMES: readonly ProtocolName[] = CONFIG_RULES.protocol.values;

/** A number option's bounds. */
export interface OptionRange {
  readonly min: number;
  readonly max: number;
  readonly integer: boolean;
}

/**
 * The ranges of the options a request may set as well as the config, read by `requestProblems`
 * for each call: the config's own where it has the key.
 */
export const OPTION_RANGES: Readonly<
  Record<"temperature" | "topP" | "maxTokens" | "maxRetries" | "timeoutMs" | "n", OptionRange>
> = Object.freeze({
  temperature: rangeOf(CONFIG_RULES.temperature),
  topP: rangeOf(CONFIG_RULES.topP),
  maxTokens: rangeOf(CONFIG_RULES.maxTokens),
  maxRetries: rangeOf(CONFIG_RULES.maxRetries),
  timeoutMs: rangeOf(CONFIG_RULES.timeoutMs),
  // OpenAI's bound for `n`.
  n: { min: 1, max: 128, integer: true },
});

/** A number rule's bounds; a request's unbounded integer stops at the largest exact one. */
function rangeOf({ min, max = Number.MAX_SAFE_INTEGER, integer }: NumberRule): OptionRange {
  return { min, max, integer };
}

/** Hosts a key may be sent to over plain http: this machine. */
export const LOOPBACK_HOSTS: RegExp = /^(localhost|127(\.\d{1,3}){3}|\[::1\]|::1)$/i;

/** The header each wire sends the key in. */
const KEY_HEADER: Readonly<Record<string, string>> = {
  "openai-chat": "authorization",
  "openai-responses": "authorization",
  "anthropic-messages": "x-api-key",
};

/**
 * The name, as written, of the header of `headers` that a wire sends the key in
 * (`Authorization` on OpenAI's, `x-api-key` on Anthropic's), if `headers` has it: that header
 * is then the request's credential, and a key would replace it.
 */
export function keyHeaderIn(
  headers: Readonly<Record<string, unknown>> | undefined,
  protocol: string,
): string | undefined {
  const header = KEY_HEADER[protocol];
  if (headers === undefined || header === undefined) return undefined;
  return Object.keys(headers).find((given) => given.toLowerCase() === header);
}

/**
 * A rule between keys: a header of `headers` that the key is sent in would be replaced by it
 * without a word, so the config that sets both is refused, naming the header as written.
 * Asked only when the keys involved are valid.
 */
export function keyHeaderProblem(config: {
  readonly apiKey?: string | undefined;
  readonly protocol: string;
  readonly headers: Readonly<Record<string, string>>;
}): { readonly name: string; readonly message: string } | undefined {
  const name =
    config.apiKey === undefined ? undefined : keyHeaderIn(config.headers, config.protocol);
  if (name === undefined) return undefined;
  return {
    name,
    message:
      "the API key is sent in this header and would replace it: set the key or this header, not both",
  };
}

/**
 * A rule between keys: a key is never sent over plain http to a host that is not this
 * machine, unless `allowInsecureHttp` says so. Asked only when the three keys are valid.
 */
export function insecureKeyProblem(config: {
  readonly baseUrl: string;
  readonly apiKey?: string | undefined;
  readonly allowInsecureHttp: boolean;
}): string | undefined {
  if (config.apiKey === undefined || config.allowInsecureHttp) return undefined;
  const url = new URL(config.baseUrl);
  if (url.protocol !== "http:" || LOOPBACK_HOSTS.test(url.hostname)) return undefined;
  return `refusing to send the API key over plain http:// to ${url.host}; use https:// or set allowInsecureHttp: true (in loom.toml: allow_insecure_http = true)`;
}

/**
 * The defaults that are plain values (`headers`' `{}` is not one), by key, frozen: what
 * `CONFIG_DEFAULTS` is. Its type is the caller's; `config-constants.ts` holds it to the table.
 */
export function scalarDefaults<T extends object>(): Readonly<T> {
  const defaults: Record<string, unknown> = {};
  for (const [key, rule] of Object.entries(CONFIG_RULES) as [string, KeyRule][])
    if (rule.default !== undefined && typeof rule.default !== "object")
      defaults[key] = rule.default;
  return Object.freeze(defaults) as Readonly<T>;
}
