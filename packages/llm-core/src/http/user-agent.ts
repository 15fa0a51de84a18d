import { PACKAGE_VERSION } from "../package-version.js";
import { type CurrentRuntime, currentRuntime } from "../runtime/current-runtime.js";

let cached: string | null | undefined;

/** The `user-agent` this runtime's requests carry, worked out once (`userAgentOf`). */
export function userAgent(): string | undefined {
  if (cached === undefined) cached = userAgentOf(currentRuntime()) ?? null;
  return cached ?? undefined;
}

/**
 * `loom-llm/<version>` and the runtime: `node/24.1.0`, `bun/1.2.0`, `deno/2.1.0`, `workerd`;
 * the version alone on a runtime not known. None in a browser: it sends its own and will not
 * let a page replace it (Chrome drops the header; Firefox sends it, and then a cross-origin
 * request needs the server to allow `user-agent` in its CORS preflight, which APIs rarely do).
 */
export function userAgentOf({ name, version }: CurrentRuntime): string | undefined {
  if (name === "browser") return undefined;
  if (name === "other") return `loom-llm/${PACKAGE_VERSION}`;
  return `loom-llm/${PACKAGE_VERSION} ${version === undefined ? name : `${name}/${version}`}`;
}
