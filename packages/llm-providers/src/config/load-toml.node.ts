import { createRequire } from "node:module";

type Toml = typeof import("smol-toml");

let toml: Toml | undefined;

/**
 * The TOML parser, loaded the first time a `loom.toml` is read: a process that makes its
 * providers from code never loads it. On Node.js (`#load-toml` in package.json `imports`;
 * other runtimes import it statically, `load-toml.static.ts`). Synchronous (`require` takes
 * smol-toml's CommonJS build), so `parseProjectConfig` and `loadProjectConfigSync` stay so.
 */
export function loadToml(): Toml {
  toml ??= createRequire(import.meta.url)("smol-toml") as Toml;
  return toml;
}
