export { loadProjectConfig, loadProjectConfigSync } from "./config/load-project-config.js";
export { type ProjectConfigOptions, parseProjectConfig } from "./config/parse-project-config.js";
export type { ProjectConfig, ProviderTable } from "./config/project-config.js";
export { type CostHooksOptions, costHooks } from "./cost/cost-hooks.js";
export {
  type CostSnapshot,
  CostTracker,
  type CostTrackerOptions,
  type UsageTotals,
} from "./cost/cost-tracker.js";
export { type CostEstimate, estimateCost } from "./cost/estimate-cost.js";
export { findPrice, MODEL_PRICES, type ModelPrice } from "./cost/model-price.js";
export { createProvider, createProviderFromConfig } from "./create-provider.js";
export { BUILTIN_PRESETS } from "./preset/builtin-presets.js";
export { presetHooks } from "./preset/preset-hooks.js";
export type {
  ModelRules,
  ProviderPreset,
  ReasoningReplay,
  WireOption,
} from "./preset/provider-preset.js";
export { ProviderRegistry } from "./preset/provider-registry.js";
export type { ProviderOverrides } from "./provider-overrides.js";
export { type ResolvedProvider, resolveFromConfig, resolvePreset } from "./resolve-provider.js";
