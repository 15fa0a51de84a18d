type Headers = Record<string, string | string[] | undefined>;

// OpenAI and vLLM say `x-request-id`; others use their own `*-request-id` name.
const KNOWN = ["x-request-id", "request-id", "x-ds-request-id", "openai-request-id"] as const;

/** The server's request id, for error messages and support tickets. */
export function requestIdOf(headers: Headers): string | undefined {
  for (const name of KNOWN) {
    const value = headers[name];
    if (value !== undefined) return Array.isArray(value) ? value[0] : value;
  }
  for (const name in headers) {
    if (name.endsWith("-request-id")) {
      const value = headers[name];
      return Array.isArray(value) ? value[0] : value;
    }
  }
  return undefined;
}
