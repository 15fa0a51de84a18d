import {
  ConfigError,
  type ConfigSource,
  type LLMConfig,
  type LLMConfigInput,
} from "@loom/llm-types";
import { hideSecrets } from "../redact/hide-secrets.js";
import { validateConfig } from "./validate-config.js";

/**
 * Validates a config and fills in its defaults. Throws a `ConfigError` listing every bad key
 * with its reason (`temperature: must be between 0 and 2, got 3`); the key's value is never in
 * it. The result is frozen, and its key is hidden from `JSON.stringify`, spreads and
 * `util.inspect`, which show it redacted.
 */
export function parseConfig(input: LLMConfigInput, source: ConfigSource = {}): LLMConfig {
  const checked = validateConfig(input);
  if (checked.config !== undefined) return Object.freeze(hideSecrets(checked.config));
  throw new ConfigError({
    issues: checked.issues,
    provider: providerName(input),
    model: typeof input?.model === "string" ? input.model : undefined,
    file: source.file,
    table: source.table,
  });
}

function providerName(input: unknown): string | undefined {
  const provider = (input as { provider?: unknown } | null)?.provider;
  return typeof provider === "string" ? provider : undefined;
}
