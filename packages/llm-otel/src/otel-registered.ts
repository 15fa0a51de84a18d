// Where the OpenTelemetry API (major version 1) keeps what was registered: a tracer or meter
// provider, a context manager. Every copy of the API reads the same one.
const GLOBAL = Symbol.for("opentelemetry.js.api.1");

/** Whether anything was registered with the OpenTelemetry API, by any copy of it. */
export function otelRegistered(): boolean {
  return (globalThis as Record<symbol, unknown>)[GLOBAL] !== undefined;
}
