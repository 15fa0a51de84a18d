import type { z } from "zod";
import { closestName } from "../closest-name.js";
import type { ConfigIssue } from "../errors/config-error.js";
import { ConfigError } from "../errors/config-error.js";
import { loadZod } from "../load-zod.js";
import { hideSecrets } from "../redact/hide-secrets.js";
import { checkConfig } from "./check-config.js";
import { buildConfigSchema } from "./config-schema.js";
import { CONFIG_KEYS, type LLMConfig, type LLMConfigInput } from "./llm-config.js";

let schema: z.ZodType<LLMConfig, LLMConfigInput> | undefined;

/** Where a config came from, named in the `ConfigError` (`loom.toml`, `[llm.deepseek]`). */
export interface ConfigSource {
  file?: string | undefined;
  table?: string | undefined;
}

/**
 * Validates a config and fills in its defaults. Throws a `ConfigError` listing every bad key
 * with its reason (`temperature: must be between 0 and 2, got 3`); the key's value is never in
 * it. The result is frozen, and its key is hidden from `JSON.stringify`, spreads and
 * `util.inspect`, which show it redacted.
 */
export function parseConfig(input: LLMConfigInput, source: ConfigSource = {}): LLMConfig {
  const checked = checkConfig(input);
  if (checked !== undefined) return Object.freeze(hideSecrets(checked)) as LLMConfig;
  // Something is wrong, or unusual: the schema decides, and says what.
  schema ??= buildConfigSchema(loadZod().z);
  const result = schema.safeParse(input);
  if (!result.success) {
    throw new ConfigError({
      issues: result.error.issues.flatMap((issue) => toIssues(issue, input)),
      provider: providerName(input),
      model: typeof input?.model === "string" ? input.model : undefined,
      file: source.file,
      table: source.table,
    });
  }
  return Object.freeze(hideSecrets({ ...result.data })) as LLMConfig;
}

function toIssues(issue: z.core.$ZodIssue, input: unknown): ConfigIssue[] {
  const path = issue.path.map(String).join(".");
  if (issue.code === "unrecognized_keys") {
    return issue.keys.map((key) => ({ path: key, message: unknownKeyMessage(key) }));
  }
  if (issue.code === "invalid_type" && valueAt(input, issue.path) === undefined) {
    return [{ path, message: "is required" }];
  }
  return [{ path, message: issue.message }];
}

function unknownKeyMessage(key: string): string {
  const near = closestName(key, CONFIG_KEYS);
  return near ? `unknown key (did you mean "${near}"?)` : "unknown key";
}

function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
  let value = input;
  for (const key of path) value = (value as Record<PropertyKey, unknown> | undefined)?.[key];
  return value;
}

function providerName(input: unknown): string | undefined {
  const provider = (input as { provider?: unknown } | null)?.provider;
  return typeof provider === "string" ? provider : undefined;
}
