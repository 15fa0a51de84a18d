import { createRequire } from "node:module";

type OtelApi = typeof import("@opentelemetry/api");

let api: OtelApi | undefined;

/**
 * The OpenTelemetry API, loaded the first time a call has something to record to. Until an
 * SDK registers (or a tracer or meter is given), spans and metrics would go to the API's
 * no-ops: the API is not even loaded, which keeps it off a process's start (about 20 ms).
 * On Node.js (`#otel-api` in package.json `imports`; other runtimes import it statically,
 * `otel-api.static.ts`). `require` takes its CommonJS build; its state is global, so it is the
 * caller's as well.
 */
export function otelApi(): OtelApi {
  api ??= createRequire(import.meta.url)("@opentelemetry/api") as OtelApi;
  return api;
}
