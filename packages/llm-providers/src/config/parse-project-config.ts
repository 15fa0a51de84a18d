import {
  ConfigError,
  type ConfigIssue,
  type LLMConfigInput,
  type LLMLogger,
} from "@loom/llm-types";
import {
  closestName,
  hideSecrets,
  keyHeaderIn,
  type NumberRule,
  numberProblem,
  parseConfig,
  redactSecret,
} from "@loom/llm-utils";
import { loadToml } from "#load-toml";
import type { ModelPrice } from "../cost/model-price.js";
import { presets } from "../preset/presets.js";
import type { ProjectConfig, ProviderTable } from "./project-config.js";
import { PRICE_KEYS, RATE_LIMIT_KEYS, snakeCase, TABLE_CONFIG_KEYS } from "./toml-keys.js";

/** Options for ProjectConfig. */
export interface ProjectConfigOptions {
  /** Where the one-time warning about a literal `api_key` goes. @default console */
  logger?: LLMLogger;
}

const warnedLiteralKeys = new Set<string>();

// Names that reach into an object's prototype when used as keys: refused wherever they appear.
const RESERVED = new Set(["__proto__", "constructor", "prototype"]);

/**
 * Parses and validates the text of a `loom.toml`. Every problem is reported at once in one
 * `ConfigError` naming the file, the table and the key: TOML syntax (with line and column),
 * unknown keys (with "did you mean"), wrong types and values, a custom provider without
 * `base_url` or `model`. Tables other than `[llm.*]` belong to other tools and are ignored.
 */
export function parseProjectConfig(
  text: string,
  source = "loom.toml",
  options: ProjectConfigOptions = {},
): ProjectConfig {
  let document: Record<string, unknown>;
  try {
    document = loadToml().parse(text);
  } catch (error) {
    if (error instanceof loadToml().TomlError) {
      const reason = error.message.replace(/^Invalid TOML document: /, "").split("\n")[0];
      throw new ConfigError({
        message: `${source}:${error.line}:${error.column}: invalid TOML: ${reason}\n${maskStrings(error.codeblock)}`,
        file: source,
        // No `cause`: the parser's own error quotes the line unmasked.
      });
    }
    throw error;
  }
  const llm = document.llm ?? {};
  if (!isTable(llm)) {
    throw new ConfigError({
      file: source,
      issues: [{ path: "llm", message: "must be a table of [llm.NAME] tables" }],
    });
  }
  const issues: ConfigIssue[] = reservedKeys(llm, "llm");
  if (issues.length > 0) throw new ConfigError({ file: source, issues });
  // No prototype: a table name can never reach Object.prototype, whatever it is.
  const tables: Record<string, ProviderTable> = Object.create(null);
  for (const [name, raw] of Object.entries(llm)) {
    if (!isTable(raw)) {
      issues.push({ path: `llm.${name}`, message: "must be a table ([llm.NAME])" });
      continue;
    }
    const table = readTable(name, raw, source, options, issues);
    if (table !== undefined) tables[name] = table;
  }
  if (issues.length > 0) {
    const onlyTable = new Set(issues.map((issue) => issue.path.split(".")[1]));
    throw new ConfigError({
      file: source,
      table: onlyTable.size === 1 ? [...onlyTable][0] : undefined,
      issues,
    });
  }
  return Object.freeze({ source, llm: Object.freeze(tables) });
}

function readTable(
  name: string,
  raw: Record<string, unknown>,
  source: string,
  options: ProjectConfigOptions,
  issues: ConfigIssue[],
): ProviderTable | undefined {
  const at = (key: string) => `llm.${name}.${key}`;
  const before = issues.length;
  const config: Record<string, unknown> = Object.create(null);
  const price: Record<string, unknown> = Object.create(null);
  const known = [...TABLE_CONFIG_KEYS.keys(), ...PRICE_KEYS.keys()];
  for (const [key, value] of Object.entries(raw)) {
    const configKey = TABLE_CONFIG_KEYS.get(key);
    const priceKey = PRICE_KEYS.get(key);
    if (configKey === "rateLimit") config.rateLimit = readRateLimit(value, at(key), issues);
    else if (configKey !== undefined) config[configKey] = value;
    else if (priceKey !== undefined) price[priceKey] = value;
    else {
      const near = closestName(key, known);
      issues.push({
        path: at(key),
        message: near ? `unknown key (did you mean "${near}"?)` : "unknown key",
      });
    }
  }
  if (config.apiKey !== undefined && !warnedLiteralKeys.has(`${source}#${name}`)) {
    warnedLiteralKeys.add(`${source}#${name}`);
    (options.logger ?? console).warn?.(
      `${source} [llm.${name}]: api_key holds a literal key; keys belong in the environment (api_key_env = "VAR")`,
    );
  }
  // A table named after a preset overrides it; the preset fills what the table leaves out.
  const preset = presets.has(name) ? presets.get(name) : undefined;
  if (preset === undefined) {
    for (const key of ["baseUrl", "model"] as const) {
      if (config[key] === undefined)
        issues.push({ path: at(snakeCase(key)), message: "is required for a custom provider" });
    }
  }
  // Validate the values as the provider will see them: this table over its preset.
  try {
    parseConfig({ baseUrl: preset?.baseUrl, model: preset?.model, ...config } as LLMConfigInput);
  } catch (error) {
    if (!ConfigError.isInstance(error)) throw error;
    for (const issue of error.issues) {
      const key = issue.path.split(".")[0] ?? "";
      // A missing base_url or model of a custom table is reported above already.
      if (
        preset === undefined &&
        (key === "baseUrl" || key === "model") &&
        config[key] === undefined
      )
        continue;
      // The key and, within `rate_limit`, its limit are named as the file writes them; a
      // header's name is its own.
      const [, ...rest] = issue.path.split(".");
      const inner = key === "rateLimit" ? rest.map(snakeCase) : rest;
      issues.push({ path: at([snakeCase(key), ...inner].join(".")), message: issue.message });
    }
  }
  // The key that api_key_env names would replace a header it is sent in: said here, where
  // `config check` sees it, in the file's words (a literal api_key is parseConfig's to say).
  if (config.apiKeyEnv !== undefined && config.apiKey === undefined && isTable(config.headers)) {
    const protocol = config.protocol ?? preset?.protocol ?? "openai-chat";
    const header = keyHeaderIn(config.headers, String(protocol));
    if (header !== undefined)
      issues.push({
        path: at(`headers.${header}`),
        message:
          "the key that api_key_env names is sent in this header and would replace it: set one of them, not both",
      });
  }
  // A literal api_key prints masked, like a validated config's.
  const table: ProviderTable = hideSecrets(
    Object.assign(Object.create(null), config) as ProviderTable,
  );
  if (Object.keys(price).length > 0) {
    const checked = readPrice(price, at, issues);
    if (checked !== undefined) table.price = checked;
  }
  return issues.length === before ? table : undefined;
}

/** A price: what the cost tracker and the budget can add up (never NaN, never infinite). */
const USD_PER_MTOK: NumberRule = {
  min: 0,
  max: Number.MAX_VALUE,
  integer: false,
  what: "a non-negative number (USD per million tokens)",
};

function readPrice(
  price: Record<string, unknown>,
  at: (key: string) => string,
  issues: ConfigIssue[],
): ModelPrice | undefined {
  let ok = true;
  for (const [toml, key] of PRICE_KEYS) {
    const value = price[key];
    if (value === undefined) {
      if (key !== "cachedInputPerMtok" && key !== "cacheWritePerMtok") {
        issues.push({ path: at(toml), message: "is required when a table sets prices" });
        ok = false;
      }
    } else {
      const problem = numberProblem(value, USD_PER_MTOK);
      if (problem !== undefined) {
        issues.push({ path: at(toml), message: problem });
        ok = false;
      }
    }
  }
  return ok ? (price as unknown as ModelPrice) : undefined;
}

/**
 * The quoted excerpt of a syntax error with long strings masked like keys: the broken line may
 * be `api_key = "sk-…"`, and the excerpt is for finding the mistake, not for reading values.
 */
function maskStrings(excerpt: string): string {
  // A string left open (`api_key = "sk-…` with no closing quote) runs to the end of its line.
  return excerpt.replace(
    /(["'])([^"'\s]{16,})(\1|(?=\s*$))/gm,
    (_, quote: string, value: string, end: string) => `${quote}${redactSecret(value)}${end}`,
  );
}

/** Every `__proto__`, `constructor` or `prototype` used as a table name or key, at any depth. */
function reservedKeys(value: unknown, path: string): ConfigIssue[] {
  if (!isTable(value)) return [];
  return Object.entries(value).flatMap(([key, inner]) => [
    ...(RESERVED.has(key)
      ? [{ path: `${path}.${key}`, message: `"${key}" is reserved and cannot be a name or key` }]
      : []),
    ...reservedKeys(inner, `${path}.${key}`),
  ]);
}

function isTable(value: unknown): value is Record<string, unknown> {
  return (
    typeof value === "object" && value !== null && !Array.isArray(value) && !(value instanceof Date)
  );
}

/** `rate_limit = { requests_per_minute = 500 }` as the config's `rateLimit`; its values are checked with the rest. */
function readRateLimit(value: unknown, path: string, issues: ConfigIssue[]): unknown {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return value;
  const limits: Record<string, unknown> = Object.create(null);
  for (const [key, limit] of Object.entries(value)) {
    const name = RATE_LIMIT_KEYS.get(key);
    if (name !== undefined) {
      limits[name] = limit;
      continue;
    }
    const near = closestName(key, [...RATE_LIMIT_KEYS.keys()]);
    issues.push({
      path: `${path}.${key}`,
      message: near ? `unknown key (did you mean "${near}"?)` : "unknown key",
    });
  }
  return { ...limits };
}
