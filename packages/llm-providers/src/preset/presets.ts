import type { ProviderPreset } from "./provider-preset.js";
import { ProviderRegistry } from "./provider-registry.js";

/**
 * The process's one registry of presets: the built-in ones plus every `registerProvider`.
 * `LLMProvider.fromName`/`fromConfig`, `createProvider`, `parseProjectConfig` and the CLI all
 * read it, so a preset registered anywhere is known everywhere.
 */
export const presets: ProviderRegistry = new ProviderRegistry();

/**
 * Adds (or replaces) a named preset, for every factory and the CLI. `baseUrl` and `model` are
 * required; a bad name or preset is a `ConfigError`.
 */
export function registerProvider(name: string, preset: ProviderPreset): void {
  presets.register(name, preset);
}

/** A preset by name, or a `ConfigError` listing the known names (and the closest one). */
export function getPreset(name: string): Readonly<ProviderPreset> {
  return presets.get(name);
}

/** The names of every preset: the built-in ones, then the registered ones in order. */
export function presetNames(): string[] {
  return presets.names();
}
