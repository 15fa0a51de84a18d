import { ChatClient, type ChatClientOptions, checkClientOptions } from "@loom/llm-core";
import { budgetGauge, type OtelOptions, otelHooks } from "@loom/llm-otel";
import {
  type CostHooksOptions,
  costGates,
  costHooks,
  type ProjectConfig,
  type ProviderOverrides,
} from "@loom/llm-providers";
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

/**
 * Options of `new LLMProvider(ctx, config, options)` beyond its config: extra hooks (run before
 * cost and telemetry), how to price responses, a cost tracker, and telemetry.
 */
export interface LLMProviderOptions extends ChatClientOptions, CostHooksOptions, TelemetryOption {}

/**
 * `fromName` / `fromConfig` options: a preset's overrides (config fields, `price`, `tracker`),
 * extra hooks (run after the preset's own), gates (a shared rate limit), and telemetry.
 */
export type FactoryOptions = ProviderOverrides & ChatClientOptions & TelemetryOption;

/**
 * A client for one OpenAI-compatible chat-completions API, built from a preset
 * (`LLMProvider.fromName`), a `loom.toml` table (`LLMProvider.fromConfig`) or a config of your
 * own (`new LLMProvider(ctx, config)`). However it was built, every response is priced when
 * the model's price is known (`costUsd`; `price`, `prices` and `tracker` options), and every call
 * is traced with OpenTelemetry unless `telemetry: false`.
 */
export class LLMProvider extends ChatClient {
  constructor(
    ctx: LLMContext | undefined,
    config: LLMConfigInput | LLMConfig,
    options: LLMProviderOptions = {},
  ) {
    // Before they are added to: a `ConfigError` naming what is wrong, not a `TypeError`.
    checkClientOptions(options);
    const { hooks = [], telemetry, price, prices, tracker, gates = [], transport } = options;
    const priced = [...hooks, costHooks({ price, prices, tracker })];
    // A traced provider with a budget reports what is left of it.
    if (telemetry !== false && tracker?.budgetUsd !== undefined) {
      const meter = typeof telemetry === "object" ? telemetry.meter : undefined;
      budgetGauge(tracker, meter ?? (ctx?.meter as OtelOptions["meter"]));
    }
    super(ctx, config, {
      hooks: withTelemetry(priced, telemetry),
      gates: [...gates, ...costGates({ price, prices, tracker })],
      ...(transport === undefined ? {} : { transport }),
    });
  }

  /**
   * A provider from a preset: `LLMProvider.fromName(ctx, "deepseek")` reads DEEPSEEK_API_KEY
   * from `ctx.env` (else `process.env`, where the runtime has one: on a Cloudflare Worker, pass
   * the handler's `env`), and fails here, not at the first call, when it is missing.
   */
  static fromName(
    ctx: LLMContext | undefined,
    name: string,
    overrides: FactoryOptions = {},
  ): LLMProvider {
    checkClientOptions(overrides);
    const { telemetry, hooks: extra = [], gates, transport, ...rest } = overrides;
    const { config, hooks, cost } = resolvePreset(ctx, name, rest);
    return new LLMProvider(
      ctx,
      config,
      telemetryOf(
        { hooks: [...hooks, ...extra], ...cost, ...clientOptions(gates, transport) },
        telemetry,
      ),
    );
  }

  /** A provider from a `[llm.NAME]` table of a loaded `loom.toml` (or the preset of that name). */
  static fromConfig(
    ctx: LLMContext | undefined,
    name: string,
    config: ProjectConfig,
    overrides: FactoryOptions = {},
  ): LLMProvider {
    checkClientOptions(overrides);
    const { telemetry, hooks: extra = [], gates, transport, ...rest } = overrides;
    const { config: resolved, hooks, cost } = resolveFromConfig(ctx, name, config, rest);
    return new LLMProvider(
      ctx,
      resolved,
      telemetryOf(
        { hooks: [...hooks, ...extra], ...cost, ...clientOptions(gates, transport) },
        telemetry,
      ),
    );
  }
}

/** The client options a factory passes on as they were given. */
function clientOptions(
  gates: ChatClientOptions["gates"],
  transport: ChatClientOptions["transport"],
): ChatClientOptions {
  return { ...(gates ? { gates } : {}), ...(transport ? { transport } : {}) };
}

/** Tracing goes last, so spans see what the other hooks add (the response's cost). */
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
