import { ConfigError } from "@loom/llm-types";
import { closestName } from "@loom/llm-utils";
import { BUILTIN_PRESETS } from "./builtin-presets.js";
import type { ProviderPreset } from "./provider-preset.js";

/**
 * Named presets: the built-in ones plus any registered. The process has one (`presets`); tests
 * make their own.
 */
export class ProviderRegistry {
  readonly #presets = new Map<string, Readonly<ProviderPreset>>();

  constructor(presets: Readonly<Record<string, Readonly<ProviderPreset>>> = BUILTIN_PRESETS) {
    for (const [name, preset] of Object.entries(presets)) this.#presets.set(name, preset);
  }

  /** Adds or replaces a preset. `baseUrl` and `model` are required; the rest defaults. */
  register(name: string, preset: ProviderPreset): this {
    if (!/^[A-Za-z0-9_.-]+$/.test(name)) {
      throw new ConfigError({
        issues: [
          {
            path: "name",
            message: `must be letters, digits, "_", "-" or ".", got ${JSON.stringify(name)}`,
          },
        ],
      });
    }
    for (const key of ["baseUrl", "model"] as const) {
      if (typeof preset[key] !== "string" || preset[key] === "") {
        throw new ConfigError({ provider: name, issues: [{ path: key, message: "is required" }] });
      }
    }
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
