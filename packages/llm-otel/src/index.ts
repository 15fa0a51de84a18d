export { type OtelOptions, otelHooks } from "./otel-hooks.js";
export * as semanticNames from "./semantic-names.js";
