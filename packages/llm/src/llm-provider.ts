import { ChatClient, type ChatClientOptions } from "@loom/llm-core";
import { type OtelOptions, otelHooks } from "@loom/llm-otel";
import type { ProjectConfig, ProviderOverrides } from "@loom/llm-providers";
import { resolveFromConfig, resolvePreset } from "@loom/llm-providers/internal";
import type { LLMConfig, LLMConfigInput, LLMContext, ProviderHooks } from "@loom/llm-types";

/** How a provider is traced: the one opt-out is `telemetry: false`. */
export interface TelemetryOption {
  /**
   * Trace every call with OpenTelemetry (spans and metrics go nowhere until an SDK is
   * registered, and then cost next to nothing). `false` turns it off; an object configures it.
   * @default true
   */
  telemetry?: boolean | OtelOptions;
}

/** Options of `new LLMProvider(ctx, config, options)` beyond its config. */
export interface LLMProviderOptions extends ChatClientOptions, TelemetryOption {}

/** `fromName` / `fromConfig` options: a preset's overrides, plus telemetry. */
export type FactoryOptions = ProviderOverrides & TelemetryOption;

/**
 * A client for one OpenAI-compatible chat-completions API, built from a preset
 * (`LLMProvider.fromName`), a `loom.toml` table (`LLMProvider.fromConfig`) or a config of your
 * own (`new LLMProvider(ctx, config)`). Every call is traced with OpenTelemetry unless
 * `telemetry: false`, however it was built.
 */
export class LLMProvider extends ChatClient {
  constructor(
    ctx: LLMContext | undefined,
    config: LLMConfigInput | LLMConfig,
    options: LLMProviderOptions = {},
  ) {
    super(ctx, config, { hooks: withTelemetry(options.hooks ?? [], options.telemetry) });
  }

  /**
   * A provider from a preset: `LLMProvider.fromName(ctx, "deepseek")` reads DEEPSEEK_API_KEY
   * from `ctx.env ?? process.env`, and fails here, not at the first call, when it is missing.
   */
  static fromName(
    ctx: LLMContext | undefined,
    name: string,
    overrides: FactoryOptions = {},
  ): LLMProvider {
    const { telemetry, ...rest } = overrides;
    const { config, hooks } = resolvePreset(ctx, name, rest);
    return new LLMProvider(ctx, config, telemetryOf({ hooks }, telemetry));
  }

  /** A provider from a `[llm.NAME]` table of a loaded `loom.toml` (or the preset of that name). */
  static fromConfig(
    ctx: LLMContext | undefined,
    name: string,
    config: ProjectConfig,
    overrides: FactoryOptions = {},
  ): LLMProvider {
    const { telemetry, ...rest } = overrides;
    const resolved = resolveFromConfig(ctx, name, config, rest);
    return new LLMProvider(ctx, resolved.config, telemetryOf({ hooks: resolved.hooks }, telemetry));
  }
}

/** Tracing goes after the other hooks, so spans see what they add (the response's cost). */
function withTelemetry(
  hooks: readonly ProviderHooks[],
  telemetry: LLMProviderOptions["telemetry"],
): readonly ProviderHooks[] {
  if (telemetry === false) return hooks;
  return [...hooks, otelHooks(typeof telemetry === "object" ? telemetry : {})];
}

function telemetryOf(
  options: LLMProviderOptions,
  telemetry: LLMProviderOptions["telemetry"],
): LLMProviderOptions {
  return telemetry === undefined ? options : { ...options, telemetry };
}
