type ZodModule = typeof import("zod");

let zod: ZodModule | undefined;
let loading: Promise<void> | undefined;

/**
 * zod, where `require` is not the way to load it lazily (package.json `imports`, `#load-zod`):
 * Bun, Deno, Cloudflare Workers and browsers. It is imported dynamically, before the first
 * request that needs it (`preloadZod`, awaited by the client and `MockLLM`), so an app whose
 * requests have no JSON Schema to validate against never loads it, and a bundler puts it in a
 * chunk of its own: all of zod is about 90 kB min+gzip, more than the client itself.
 */
export function loadZod(): ZodModule {
  if (zod === undefined)
    throw new Error(
      "zod is not loaded yet on this runtime: await preloadZod() (from @loom/llm-utils) before converting or validating a schema yourself; a client and MockLLM do before each request that needs it",
    );
  return zod;
}

/** Whether `loadZod()` returns zod at once. */
export function zodReady(): boolean {
  return zod !== undefined;
}

/** Loads zod (once); a failure is retried by the next call. */
export function preloadZod(): Promise<void> {
  loading ??= import("zod").then(
    (module) => {
      zod = module;
    },
    (error: unknown) => {
      loading = undefined;
      throw error;
    },
  );
  return loading;
}
