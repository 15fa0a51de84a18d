import { createRequire } from "node:module";

type ZodModule = typeof import("zod");

let zod: ZodModule | undefined;

/**
 * zod, loaded the first time something needs it: a JSON Schema to validate against, a zod
 * schema too old to convert itself. On Node.js (`#load-zod` in package.json `imports`; other
 * runtimes import it statically, `load-zod.static.ts`). Loading it costs about as much as
 * loading undici: a call without schemas never pays it (configs are checked in plain code,
 * `config/validate-config.ts`). Synchronous, so the callers stay so (`require` takes zod's
 * CommonJS build; schemas from the caller's own zod are read through their `_zod` internals,
 * and zod keeps one registry of metadata for every copy).
 */
export function loadZod(): ZodModule {
  zod ??= createRequire(import.meta.url)("zod") as ZodModule;
  return zod;
}
