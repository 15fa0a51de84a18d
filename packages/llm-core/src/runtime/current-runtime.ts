/** The JavaScript runtimes told apart: `other` is any not known here (an edge runtime, say). */
export type RuntimeName = "node" | "bun" | "deno" | "workerd" | "browser" | "other";

/** A runtime and its version, where it says one. */
export interface CurrentRuntime {
  readonly name: RuntimeName;
  readonly version: string | undefined;
}

/** What runtimes say of themselves, each field where it exists. */
export interface RuntimeGlobals {
  process?: { versions?: { node?: string; bun?: string; deno?: string } };
  navigator?: { userAgent?: string };
}

/**
 * The runtime this code runs on, from what it says of itself. Bun and Deno report a Node.js
 * version too (the one they are compatible with), and so do Cloudflare Workers with
 * `nodejs_compat`: they are told apart first, and Node.js is what reports a Node.js version
 * and none of theirs. Browsers (windows and workers alike) all name themselves `Mozilla/`.
 * `globals` is for tests.
 */
export function currentRuntime(globals: RuntimeGlobals = globalThis): CurrentRuntime {
  const versions = globals.process?.versions;
  const agent = globals.navigator?.userAgent;
  if (versions?.bun !== undefined) return { name: "bun", version: versions.bun };
  if (versions?.deno !== undefined) return { name: "deno", version: versions.deno };
  if (agent === "Cloudflare-Workers") return { name: "workerd", version: undefined };
  if (versions?.node !== undefined) return { name: "node", version: versions.node };
  if (agent?.startsWith("Mozilla/") === true) return { name: "browser", version: undefined };
  return { name: "other", version: undefined };
}
