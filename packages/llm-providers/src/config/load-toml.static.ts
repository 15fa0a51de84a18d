import * as smolToml from "smol-toml";

type Toml = typeof import("smol-toml");

/**
 * The TOML parser, imported with the module where `require` is not the way to load it lazily
 * (see package.json `imports`, `#load-toml`): Bun and Deno, whose bundlers and compilers follow
 * a static import but not a `createRequire` call, and browsers and Cloudflare Workers, which
 * have no `require`.
 */
export function loadToml(): Toml {
  return smolToml;
}
