import { LLMProvider } from "@loom/llm-core";
import type { LLMContext } from "@loom/llm-types";
import type { ProjectConfig } from "./config/project-config.js";
import { ProviderRegistry } from "./preset/provider-registry.js";
import type { ProviderOverrides } from "./provider-overrides.js";
import { resolveFromConfig, resolvePreset } from "./resolve-provider.js";

const builtins = new ProviderRegistry();

/** An `LLMProvider` for a preset (`deepseek`, `openai`, `local` or one in `registry`). */
export function createProvider(
  ctx: LLMContext | undefined,
  name: string,
  overrides?: ProviderOverrides,
  registry: ProviderRegistry = builtins,
): LLMProvider {
  const { config, options } = resolvePreset(ctx, name, registry, overrides);
  return new LLMProvider(ctx, config, options);
}

/** An `LLMProvider` for a `[llm.NAME]` table of a `loom.toml`. */
export function createProviderFromConfig(
  ctx: LLMContext | undefined,
  name: string,
  project: ProjectConfig,
  overrides?: ProviderOverrides,
  registry: ProviderRegistry = builtins,
): LLMProvider {
  const { config, options } = resolveFromConfig(ctx, name, project, registry, overrides);
  return new LLMProvider(ctx, config, options);
}
