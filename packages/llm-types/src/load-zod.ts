import { createRequire } from "node:module";

type ZodModule = typeof import("zod");

let zod: ZodModule | undefined;

/**
 * zod, loaded the first time something needs it: a config that fails its plain check (for the
 * messages), a JSON Schema to validate against, a zod schema too old to convert itself. Loading
 * it costs about as much as loading undici: a provider made from a good config, and a call
 * without schemas, never pay it. Synchronous, so the callers stay so (`require` takes zod's
 * CommonJS build; schemas from the caller's own zod are read through their `_zod` internals,
 * and zod keeps one registry of metadata for every copy).
 */
export function loadZod(): ZodModule {
  zod ??= createRequire(import.meta.url)("zod") as ZodModule;
  return zod;
}
