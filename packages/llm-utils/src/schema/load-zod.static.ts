import * as zod from "zod";

type ZodModule = typeof import("zod");

/**
 * zod, imported with the module where `require` is not the way to load it lazily (see
 * `package.json` `imports`, `#load-zod`): Bun and Deno, whose bundlers and compilers follow a
 * static import but not a `createRequire` call, and browsers and Cloudflare Workers, which have
 * no `require`. The same ES module build the caller imports, so one copy of zod.
 */
export function loadZod(): ZodModule {
  return zod;
}
