import { redactSecret } from "./redact-secret.js";
import { redactUrl } from "./redact-url.js";
import { CREDENTIAL_HEADER } from "./redactor.js";

// Node's `util.inspect.custom`, by its registered name: this package stays free of Node imports.
const INSPECT = Symbol.for("nodejs.util.inspect.custom");
type Inspect = (value: unknown, options: object) => string;

/** What may carry secrets in a config-like object. */
export interface WithSecrets {
  apiKey?: string | undefined;
  baseUrl?: string | undefined;
  headers?: Readonly<Record<string, string>> | undefined;
}

/**
 * Makes a config-like object safe to print, in place: its `apiKey` becomes non-enumerable
 * (spreads, `Object.keys` and `JSON.stringify` skip it; reading it works), and `JSON.stringify`
 * and `util.inspect` show it with the key, credential-like headers and URL credentials masked.
 * Used for validated configs, `loom.toml` tables and resolved presets alike.
 */
export function hideSecrets<T extends WithSecrets>(object: T): T {
  const apiKey = object.apiKey;
  if ("apiKey" in object)
    Object.defineProperty(object, "apiKey", { value: apiKey, enumerable: false });
  Object.defineProperty(object, "toJSON", { value: () => printable(object, apiKey) });
  Object.defineProperty(object, INSPECT, {
    value: (depth: number, options: object, inspect: Inspect) =>
      inspect(printable(object, apiKey), { ...options, depth }),
  });
  return object;
}

/** The object as it may be shown. */
function printable(object: WithSecrets, apiKey: string | undefined): object {
  const shown: Record<string, unknown> = { ...object };
  if (apiKey !== undefined) shown.apiKey = redactSecret(apiKey);
  if (typeof object.baseUrl === "string") shown.baseUrl = redactUrl(object.baseUrl);
  if (object.headers !== undefined) {
    shown.headers = Object.fromEntries(
      Object.entries(object.headers).map(([name, value]) => [
        name,
        CREDENTIAL_HEADER.test(name) ? redactSecret(value) : value,
      ]),
    );
  }
  return shown;
}
