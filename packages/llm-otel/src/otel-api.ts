import { createRequire } from "node:module";

type OtelApi = typeof import("@opentelemetry/api");

// Where the OpenTelemetry API (major version 1) keeps what was registered: a tracer or meter
// provider, a context manager. Every copy of the API reads the same one.
const GLOBAL = Symbol.for("opentelemetry.js.api.1");

let api: OtelApi | undefined;

/**
 * The OpenTelemetry API, loaded the first time a call has something to record to. Until an
 * SDK registers (or a tracer or meter is given), spans and metrics would go to the API's
 * no-ops: the API is not even loaded, which keeps it off a process's start (about 20 ms).
 * `require` takes its CommonJS build; its state is global, so it is the caller's as well.
 */
export function otelApi(): OtelApi {
  api ??= createRequire(import.meta.url)("@opentelemetry/api") as OtelApi;
  return api;
}

/** Whether anything was registered with the OpenTelemetry API, by any copy of it. */
export function otelRegistered(): boolean {
  return (globalThis as Record<symbol, unknown>)[GLOBAL] !== undefined;
}
