import type { LLMConfig } from "@loom/llm-types";
import { CREDENTIAL_HEADER, urlSecrets } from "@loom/llm-utils";

/**
 * What to tell a user whose request was answered 401: which credential was sent, or that none
 * was. A key in the base URL's query (`?key=`, Google's and Azure's way) or in a credential
 * header of the config is a credential sent, not a missing key.
 */
export function unauthorizedHint(config: LLMConfig): string | undefined {
  if (config.apiKey !== undefined)
    return config.apiKeyEnv ? `Check the key in ${config.apiKeyEnv}` : undefined;
  if (urlSecrets(config.baseUrl).length > 0) return "Check the credential in the base URL's query";
  const header = Object.keys(config.headers).find((name) => CREDENTIAL_HEADER.test(name));
  if (header !== undefined) return `Check the credential in the ${header} header`;
  return `No API key was sent${config.apiKeyEnv ? `: set ${config.apiKeyEnv}` : ""}`;
}
