import { createRequire } from "node:module";

type ZodModule = typeof import("zod");

let zod: ZodModule | undefined;

/**
 * zod, loaded the first time something needs it: a JSON Schema to validate against, a zod
 * schema too old to convert itself. On Node.js (`#load-zod` in package.json `imports`; other
 * runtimes import it dynamically before a request that needs it, `load-zod.lazy.ts`). Loading it costs about as much as
 * loading undici: a call without schemas never pays it (configs are checked in plain code,
 * `config/validate-config.ts`). Synchronous, so the callers stay so (`require` takes zod's
 * CommonJS build; schemas from the caller's own zod are read through their `_zod` internals,
 * and zod 4.2 and later keep one registry of metadata for every copy: `to-json-schema.ts`).
 */
export function loadZod(): ZodModule {
  zod ??= createRequire(import.meta.url)("zod") as ZodModule;
  return zod;
}

/** Whether `loadZod()` returns zod at once: always on Node.js, which requires it then. */
export function zodReady(): boolean {
  return true;
}

/** Nothing to do on Node.js: `loadZod()` requires zod when it is first needed. */
export function preloadZod(): Promise<void> {
  return Promise.resolve();
}
