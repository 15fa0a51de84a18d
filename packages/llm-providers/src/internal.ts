// What @loom/llm builds its LLMProvider from. Not part of the public API: anything here may
// change or go in any release, semver notwithstanding. Import from "@loom/llm-providers/internal".

export type { ProviderRegistry } from "./preset/provider-registry.js";
export { type ResolvedProvider, resolveFromConfig, resolvePreset } from "./resolve-provider.js";
