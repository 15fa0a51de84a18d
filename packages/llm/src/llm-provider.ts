import { LLMProvider as CoreLLMProvider } from "@loom/llm-core";
import {
  type ProjectConfig,
  type ProviderOverrides,
  type ProviderPreset,
  ProviderRegistry,
  resolveFromConfig,
  resolvePreset,
} from "@loom/llm-providers";
import type { LLMContext } from "@loom/llm-types";

/** The presets `LLMProvider.fromName` knows: `deepseek`, `openai`, `local`, and any registered. */
export const providers: ProviderRegistry = new ProviderRegistry();

/** Adds a named preset for `LLMProvider.fromName` / `fromConfig` (to this facade's registry). */
export function registerProvider(name: string, preset: ProviderPreset): void {
  providers.register(name, preset);
}

/** Core's `LLMProvider` with the factories that know presets and `loom.toml`. */
export class LLMProvider extends CoreLLMProvider {
  /**
   * A provider from a preset: `LLMProvider.fromName(ctx, "deepseek")` reads DEEPSEEK_API_KEY
   * from `ctx.env ?? process.env`, and fails here, not at the first call, when it is missing.
   */
  static fromName(
    ctx: LLMContext | undefined,
    name: string,
    overrides?: ProviderOverrides,
  ): LLMProvider {
    const { config, options } = resolvePreset(ctx, name, providers, overrides);
    return new LLMProvider(ctx, config, options);
  }

  /** A provider from a `[llm.NAME]` table of a loaded `loom.toml` (or the preset of that name). */
  static fromConfig(
    ctx: LLMContext | undefined,
    name: string,
    config: ProjectConfig,
    overrides?: ProviderOverrides,
  ): LLMProvider {
    const resolved = resolveFromConfig(ctx, name, config, providers, overrides);
    return new LLMProvider(ctx, resolved.config, resolved.options);
  }
}
