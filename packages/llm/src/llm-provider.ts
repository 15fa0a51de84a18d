import { LLMProvider as CoreLLMProvider } from "@loom/llm-core";
import { type OtelOptions, otelHooks } from "@loom/llm-otel";
import {
  type ProjectConfig,
  type ProviderOverrides,
  type ProviderPreset,
  ProviderRegistry,
  type ResolvedProvider,
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

/** `fromName` / `fromConfig` options: a preset's overrides, plus telemetry. */
export type FactoryOptions = ProviderOverrides & {
  /**
   * Trace every call with OpenTelemetry (spans and metrics go nowhere until an SDK is
   * registered). `false` turns it off; an object configures it. @default true
   */
  telemetry?: boolean | OtelOptions;
};

/** Core's `LLMProvider` with the factories that know presets and `loom.toml`. */
export class LLMProvider extends CoreLLMProvider {
  /**
   * A provider from a preset: `LLMProvider.fromName(ctx, "deepseek")` reads DEEPSEEK_API_KEY
   * from `ctx.env ?? process.env`, and fails here, not at the first call, when it is missing.
   * Every call is traced (OpenTelemetry) unless `telemetry: false`.
   */
  static fromName(
    ctx: LLMContext | undefined,
    name: string,
    overrides: FactoryOptions = {},
  ): LLMProvider {
    const { telemetry, ...rest } = overrides;
    const { config, options } = traced(resolvePreset(ctx, name, providers, rest), telemetry);
    return new LLMProvider(ctx, config, options);
  }

  /** A provider from a `[llm.NAME]` table of a loaded `loom.toml` (or the preset of that name). */
  static fromConfig(
    ctx: LLMContext | undefined,
    name: string,
    config: ProjectConfig,
    overrides: FactoryOptions = {},
  ): LLMProvider {
    const { telemetry, ...rest } = overrides;
    const resolved = traced(resolveFromConfig(ctx, name, config, providers, rest), telemetry);
    return new LLMProvider(ctx, resolved.config, resolved.options);
  }
}

/** Adds tracing after the preset's hooks, so spans see the response's cost. */
function traced(
  resolved: ResolvedProvider,
  telemetry: FactoryOptions["telemetry"],
): ResolvedProvider {
  if (telemetry === false) return resolved;
  const otel = otelHooks(typeof telemetry === "object" ? telemetry : {});
  return {
    config: resolved.config,
    options: { ...resolved.options, hooks: [...(resolved.options.hooks ?? []), otel] },
  };
}
