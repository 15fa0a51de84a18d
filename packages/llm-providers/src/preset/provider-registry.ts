import { ConfigError } from "@loom/llm-types";
import { CREDENTIAL_PARAM, closestName, parseConfig, showValue } from "@loom/llm-utils";
import { BUILTIN_PRESETS } from "./builtin-presets.js";
import type { ProviderPreset } from "./provider-preset.js";

/** What a preset's name may be: it is a `loom.toml` table name and a CLI argument too. */
const NAME = /^[A-Za-z0-9_.-]+$/;
/** Names every object has: a registry keyed by them is a trap for any code reading it. */
const RESERVED: ReadonlySet<unknown> = new Set(["__proto__", "constructor", "prototype"]);

/**
 * Named presets: the built-in ones plus any registered. The process has one (`presets`); tests
 * make their own.
 */
export class ProviderRegistry {
  readonly #presets = new Map<string, Readonly<ProviderPreset>>();

  constructor(presets: Readonly<Record<string, Readonly<ProviderPreset>>> = BUILTIN_PRESETS) {
    for (const [name, preset] of Object.entries(presets)) this.#presets.set(name, preset);
  }

  /**
   * Adds or replaces a preset. `baseUrl` and `model` are required; the rest defaults. Checked
   * now, as a `loom.toml` table is when read: the config the preset makes (a key pasted into
   * `apiKeyEnv`, credentials in `baseUrl`), and no key in the preset itself.
   */
  register(name: string, preset: ProviderPreset): this {
    // Called from plain JavaScript too: `registerProvider(process.env.NAME, …)` with it unset.
    const given: unknown = name;
    if (typeof given !== "string" || !NAME.test(given) || RESERVED.has(given)) {
      throw new ConfigError({
        issues: [
          {
            path: "name",
            message: RESERVED.has(given as string)
              ? `must not be "${given as string}", a name every object has`
              : `must be a string of letters, digits, "_", "-" or ".", got ${showValue(given)}`,
          },
        ],
      });
    }
    if (typeof preset !== "object" || preset === null)
      throw new ConfigError({
        provider: name,
        issues: [{ path: "preset", message: `must be an object, got ${showValue(preset)}` }],
      });
    for (const key of ["baseUrl", "model"] as const) {
      if (typeof preset[key] !== "string" || preset[key] === "") {
        throw new ConfigError({ provider: name, issues: [{ path: key, message: "is required" }] });
      }
    }
    // A preset is shared code: a key in it, or in its URL's query, is a key in the source.
    const credential =
      (preset as { apiKey?: unknown }).apiKey != null
        ? "apiKey"
        : typeof preset.baseUrl === "string" && queryHoldsKey(preset.baseUrl)
          ? "baseUrl"
          : undefined;
    if (credential !== undefined)
      throw new ConfigError({
        provider: name,
        issues: [
          {
            path: credential,
            message: `a preset holds no ${credential === "apiKey" ? "key" : "credential in its query"}: name the environment variable holding the key in apiKeyEnv, or give it in the config made from the preset`,
          },
        ],
      });
    const { baseUrl, model, protocol, apiKeyEnv, streamUsage } = preset;
    parseConfig({
      provider: name,
      baseUrl,
      model,
      ...(protocol === undefined ? {} : { protocol }),
      ...(apiKeyEnv === undefined ? {} : { apiKeyEnv }),
      ...(streamUsage === undefined ? {} : { streamUsage }),
    });
    this.#presets.set(name, Object.freeze({ ...preset }));
    return this;
  }

  has(name: string): boolean {
    return this.#presets.has(name);
  }

  /** The preset, or a `ConfigError` listing the known names (and the closest one). */
  get(name: string): Readonly<ProviderPreset> {
    const preset = this.#presets.get(name);
    if (preset === undefined) {
      const known = this.names();
      const near = closestName(name, known);
      throw new ConfigError({
        message: `Unknown provider "${name}"${near ? ` (did you mean "${near}"?)` : ""}. Known providers: ${known.join(", ")}`,
      });
    }
    return preset;
  }

  names(): string[] {
    return [...this.#presets.keys()];
  }
}

/**
 * Whether a URL's query names a key (`?key=`, `?api-key=`, `?access_token=`): what the masking
 * of URLs treats as a credential, but for a `code` (`country_code=de` is no secret to refuse a
 * preset for, though masked where a URL is shown).
 */
function queryHoldsKey(url: string): boolean {
  let params: URLSearchParams;
  try {
    params = new URL(url).searchParams;
  } catch {
    return false;
  }
  for (const name of params.keys())
    if (CREDENTIAL_PARAM.test(name) && !/code$/i.test(name)) return true;
  return false;
}
