import { headerProblems } from "../header-problems.js";
import { LOOPBACK_HOSTS, MAX_TIMER_MS, OPTION_RANGES } from "./config-schema.js";
import { CONFIG_DEFAULTS, CONFIG_KEYS, type LLMConfig } from "./llm-config.js";

const KNOWN: ReadonlySet<string> = new Set(CONFIG_KEYS);
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * The config with its defaults when it is certainly valid, checked in plain code by the
 * schema's own rules; otherwise `undefined`, and `parseConfig` asks the zod schema, which
 * explains what is wrong. Every config a provider is made from passes through here: a good one
 * never loads zod. Never accepts what the schema refuses, and gives what the schema gives
 * (a property test holds the two together); it may leave an odd but valid config to the schema.
 */
export function checkConfig(input: unknown): LLMConfig | undefined {
  if (!isPlainObject(input)) return undefined;
  for (const key of Object.keys(input)) if (!KNOWN.has(key)) return undefined;
  const {
    baseUrl,
    model,
    apiKey,
    apiKeyEnv,
    provider = CONFIG_DEFAULTS.provider,
    temperature,
    maxTokens,
    topP,
    headers = {},
    timeoutMs = CONFIG_DEFAULTS.timeoutMs,
    streamIdleTimeoutMs = CONFIG_DEFAULTS.streamIdleTimeoutMs,
    maxRetries = CONFIG_DEFAULTS.maxRetries,
    maxRetryDelayMs = CONFIG_DEFAULTS.maxRetryDelayMs,
    maxConcurrency,
    rateLimit,
    maxConnections,
    maxResponseBytes = CONFIG_DEFAULTS.maxResponseBytes,
    streamUsage = CONFIG_DEFAULTS.streamUsage,
    enforcesResponseFormat = CONFIG_DEFAULTS.enforcesResponseFormat,
    allowInsecureHttp = CONFIG_DEFAULTS.allowInsecureHttp,
  } = input as Record<string, unknown>;
  if (typeof baseUrl !== "string") return undefined;
  let url: URL;
  try {
    url = new URL(baseUrl);
  } catch {
    return undefined;
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") return undefined;
  if (url.username !== "" || url.password !== "") return undefined;
  if (!isText(model) || !isText(provider)) return undefined;
  let key: string | undefined;
  if (apiKey !== undefined) {
    if (typeof apiKey !== "string") return undefined;
    key = apiKey.trim();
    if (key === "" || /[ \t]/.test(key) || headerProblems("authorization", key).length > 0)
      return undefined;
  }
  if (apiKeyEnv !== undefined && (typeof apiKeyEnv !== "string" || !ENV_NAME.test(apiKeyEnv)))
    return undefined;
  const { temperature: t, topP: p } = OPTION_RANGES;
  if (!optional(temperature, (v) => inRange(v, t.min, t.max))) return undefined;
  if (!optional(topP, (v) => inRange(v, p.min, p.max))) return undefined;
  if (!optional(maxTokens, (v) => isInteger(v, 1))) return undefined;
  if (!optional(maxConcurrency, (v) => isInteger(v, 1))) return undefined;
  if (!optional(maxConnections, (v) => isInteger(v, 1))) return undefined;
  if (!isInteger(timeoutMs, 1, MAX_TIMER_MS)) return undefined;
  if (!isInteger(streamIdleTimeoutMs, 1, MAX_TIMER_MS)) return undefined;
  if (!isInteger(maxRetries, 0)) return undefined;
  if (!isInteger(maxRetryDelayMs, 0, MAX_TIMER_MS)) return undefined;
  if (!isInteger(maxResponseBytes, 1)) return undefined;
  if (
    typeof streamUsage !== "boolean" ||
    typeof enforcesResponseFormat !== "boolean" ||
    typeof allowInsecureHttp !== "boolean"
  )
    return undefined;
  let limits: Record<string, number> | undefined;
  if (rateLimit !== undefined) {
    if (!isPlainObject(rateLimit)) return undefined;
    limits = {};
    for (const [name, value] of Object.entries(rateLimit)) {
      if (name !== "requestsPerMinute" && name !== "tokensPerMinute") return undefined;
      if (value === undefined) continue;
      if (!isInteger(value, 1)) return undefined;
      limits[name] = value as number;
    }
  }
  if (!isPlainObject(headers)) return undefined;
  const headerCopy: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (typeof value !== "string" || headerProblems(name, value).length > 0) return undefined;
    headerCopy[name] = value;
  }
  // A key over plain http to a host that is not loopback: the schema says why it refuses.
  if (key !== undefined && !allowInsecureHttp && url.protocol === "http:") {
    if (!LOOPBACK_HOSTS.test(url.hostname)) return undefined;
  }
  // The schema's output, key for key: present when given or defaulted, in the schema's order.
  const config: Record<string, unknown> = { baseUrl: baseUrl.replace(/\/+$/, ""), model };
  if (key !== undefined) config.apiKey = key;
  if (apiKeyEnv !== undefined) config.apiKeyEnv = apiKeyEnv;
  config.provider = provider;
  if (temperature !== undefined) config.temperature = temperature;
  if (maxTokens !== undefined) config.maxTokens = maxTokens;
  if (topP !== undefined) config.topP = topP;
  config.headers = headerCopy;
  config.timeoutMs = timeoutMs;
  config.streamIdleTimeoutMs = streamIdleTimeoutMs;
  config.maxRetries = maxRetries;
  config.maxRetryDelayMs = maxRetryDelayMs;
  if (maxConcurrency !== undefined) config.maxConcurrency = maxConcurrency;
  if (limits !== undefined) config.rateLimit = limits;
  if (maxConnections !== undefined) config.maxConnections = maxConnections;
  config.maxResponseBytes = maxResponseBytes;
  config.streamUsage = streamUsage;
  config.enforcesResponseFormat = enforcesResponseFormat;
  config.allowInsecureHttp = allowInsecureHttp;
  return config as unknown as LLMConfig;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

function isText(value: unknown): value is string {
  return typeof value === "string" && value.trim().length > 0;
}

function optional(value: unknown, check: (value: number) => boolean): boolean {
  return value === undefined || (typeof value === "number" && check(value));
}

function inRange(value: number, min: number, max: number): boolean {
  return Number.isFinite(value) && value >= min && value <= max;
}

function isInteger(value: unknown, min: number, max = Number.MAX_SAFE_INTEGER): boolean {
  return typeof value === "number" && Number.isInteger(value) && value >= min && value <= max;
}
