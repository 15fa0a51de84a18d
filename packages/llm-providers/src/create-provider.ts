import { ChatClient } from "@loom/llm-core";
import type { LLMContext } from "@loom/llm-types";
import type { ProjectConfig } from "./config/project-config.js";
import { costGates, costHooks } from "./cost/cost-hooks.js";
import type { ProviderOverrides } from "./provider-overrides.js";
import { resolveFromConfig, resolvePreset } from "./resolve-provider.js";

/**
 * A `ChatClient` for a preset (`deepseek`, `openai`, `local`, or one registered with
 * `registerProvider`), with the preset's wire rules and cost hooks. Not traced: `LLMProvider`
 * in `@loom/llm` adds telemetry.
 */
export function createProvider(
  ctx: LLMContext | undefined,
  name: string,
  overrides?: ProviderOverrides,
): ChatClient {
  const { config, hooks, cost } = resolvePreset(ctx, name, overrides);
  return new ChatClient(ctx, config, {
    hooks: [...hooks, costHooks(cost)],
    gates: costGates(cost),
  });
}

/** A `ChatClient` for a `[llm.NAME]` table of a loaded `loom.toml` (or the preset of that name). */
export function createProviderFromConfig(
  ctx: LLMContext | undefined,
  name: string,
  project: ProjectConfig,
  overrides?: ProviderOverrides,
): ChatClient {
  const { config, hooks, cost } = resolveFromConfig(ctx, name, project, overrides);
  return new ChatClient(ctx, config, {
    hooks: [...hooks, costHooks(cost)],
    gates: costGates(cost),
  });
}
