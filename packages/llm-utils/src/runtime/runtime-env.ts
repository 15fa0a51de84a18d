/** What the environment holds where there is none: frozen, so nothing can be stored in it. */
const NONE: Readonly<Record<string, string | undefined>> = Object.freeze({});

/**
 * The environment variables of this process: `process.env` where the runtime has one (Node.js,
 * Bun, Deno, Cloudflare Workers with `nodejs_compat`), else an empty record (a browser, a Worker
 * without `nodejs_compat`), so that a default such as `ctx.env ?? runtimeEnv()` finds no
 * variable there instead of throwing a `ReferenceError`. On a Worker the variables are the
 * `env` of its handler: pass them as `ctx.env`.
 */
export function runtimeEnv(): Readonly<Record<string, string | undefined>> {
  // Read through globalThis: a bare `process` is a ReferenceError where it is not defined.
  return (
    (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env ?? NONE
  );
}
