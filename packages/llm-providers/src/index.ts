export { loadProjectConfig, loadProjectConfigSync } from "./config/load-project-config.js";
export { type ProjectConfigOptions, parseProjectConfig } from "./config/parse-project-config.js";
export type { ProjectConfig, ProviderTable } from "./config/project-config.js";
export type { BudgetRequest, BudgetReservation, BudgetStore } from "./cost/budget-store.js";
export { type CostHooksOptions, costGates, costHooks } from "./cost/cost-hooks.js";
export {
  type CostSnapshot,
  CostTracker,
  type CostTrackerOptions,
  type UsageTotals,
} from "./cost/cost-tracker.js";
export { type CostEstimate, estimateCost } from "./cost/estimate-cost.js";
export { InProcessBudgetStore } from "./cost/in-process-budget-store.js";
export { findPrice, MODEL_PRICES, type ModelPrice } from "./cost/model-price.js";
export { createProvider, createProviderFromConfig } from "./create-provider.js";
export { BUILTIN_PRESETS } from "./preset/builtin-presets.js";
export { getPreset, presetNames, registerProvider } from "./preset/presets.js";
export type {
  ModelRules,
  ProviderPreset,
  ReasoningReplay,
  WireOption,
} from "./preset/provider-preset.js";
export type { ProviderOverrides } from "./provider-overrides.js";
