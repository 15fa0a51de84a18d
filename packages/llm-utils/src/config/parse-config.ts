import {
  ConfigError,
  type ConfigSource,
  type LLMConfig,
  type LLMConfigInput,
} from "@loom/llm-types";
import { hideSecrets } from "../redact/hide-secrets.js";
import { urlSecrets } from "../redact/redact-url.js";
import { CREDENTIAL_HEADER, Redactor } from "../redact/redactor.js";
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
  // The names head every message: a key pasted into one is masked like anywhere else.
  const mask = secretsOf(input);
  const model = typeof input?.model === "string" ? input.model : undefined;
  throw new ConfigError({
    // A value quoted in an issue is the caller's text: the key pasted into another field shows
    // masked, as in the names.
    issues: checked.issues.map((issue) => ({
      path: issue.path,
      message: mask.redact(issue.message),
    })),
    provider: maskName(providerName(input), mask),
    model: maskName(model, mask),
    file: source.file,
    table: source.table,
  });
}

function providerName(input: unknown): string | undefined {
  const provider = (input as { provider?: unknown } | null)?.provider;
  return typeof provider === "string" ? provider : undefined;
}

function maskName(name: string | undefined, mask: Redactor): string | undefined {
  return name === undefined ? undefined : mask.redact(name);
}

/** The secrets a config holds (its key, credential headers, credentials in its URL). */
function secretsOf(input: unknown): Redactor {
  const config = (typeof input === "object" && input !== null ? input : {}) as Record<
    string,
    unknown
  >;
  const secrets: string[] = [];
  if (typeof config.apiKey === "string") secrets.push(config.apiKey);
  const headers = config.headers;
  if (typeof headers === "object" && headers !== null) {
    for (const [name, value] of Object.entries(headers))
      if (CREDENTIAL_HEADER.test(name) && typeof value === "string") secrets.push(value);
  }
  if (typeof config.baseUrl === "string") secrets.push(...urlSecrets(config.baseUrl));
  return new Redactor(secrets);
}
