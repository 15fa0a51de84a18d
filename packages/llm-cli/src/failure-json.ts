import { APIStatusError, ConfigError, LLMError } from "@loom/llm-types";

/**
 * A failure as `--json` prints it: its name and message, and the typed fields a script
 * branches on: an API error's `status`, `type`, `code` and `retryAfterMs`; any error of the
 * library's `provider`, `model`, `requestId`, `retryable`, `attempts` and `usage`; a config
 * error's `issues`. Its messages are masked already, as every error of the library is; the
 * server's error body is left out.
 */
export function failureJson(error: unknown): Record<string, unknown> {
  const out: Record<string, unknown> = {
    name: error instanceof Error ? error.name : "Error",
    message: error instanceof Error ? error.message : String(error),
  };
  if (LLMError.isInstance(error)) {
    const { provider, model, requestId, retryable, attempts, usage } = error;
    Object.assign(out, { provider, model, requestId, retryable, attempts, usage });
  }
  if (APIStatusError.isInstance(error)) {
    const { status, type, code, retryAfterMs } = error;
    Object.assign(out, { status, type, code, retryAfterMs });
  }
  if (ConfigError.isInstance(error) && error.issues.length > 0) out.issues = error.issues;
  return out;
}
