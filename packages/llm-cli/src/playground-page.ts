import { readFileSync } from "node:fs";

// The page is a file of the package (assets/playground.html): one HTML document with its style
// and its script inline, no build step and nothing fetched but the playground's own API. It is
// read from beside `dist/` and `src/` alike, both one level under the package.
let page: string | undefined;

/** The playground's page, its inline style and script allowed by `nonce` (its CSP). */
export function playgroundPage(nonce: string): string {
  page ??= readFileSync(new URL("../assets/playground.html", import.meta.url), "utf8");
  return page.replaceAll("{{nonce}}", nonce);
}
