import * as otel from "@opentelemetry/api";

type OtelApi = typeof import("@opentelemetry/api");

/**
 * The OpenTelemetry API, imported with the module where `require` is not the way to load it
 * lazily (see package.json `imports`, `#otel-api`): Bun and Deno, whose bundlers and compilers
 * follow a static import but not a `createRequire` call, and browsers and Cloudflare Workers,
 * which have no `require`. Its state is global (`otel-registered.ts`), shared with every copy.
 */
export function otelApi(): OtelApi {
  return otel;
}
