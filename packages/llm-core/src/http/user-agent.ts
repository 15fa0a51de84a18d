import { createRequire } from "node:module";

let cached: string | undefined;

/** `loom-llm/<version> node/<version>`, read from this package's own package.json once. */
export function userAgent(): string {
  if (cached === undefined) {
    const { version } = createRequire(import.meta.url)("../../package.json") as { version: string };
    cached = `loom-llm/${version} node/${process.versions.node}`;
  }
  return cached;
}
