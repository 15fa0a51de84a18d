export { type BudgetSource, budgetGauge, type OtelOptions, otelHooks } from "./otel-hooks.js";
/** Every span attribute, event and metric name written, with the GenAI conventions' buckets. */
export * as semanticNames from "./semantic-names.js";
