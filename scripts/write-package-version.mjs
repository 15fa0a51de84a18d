// The build of a package that names its own version at run time (llm-core's user-agent) runs
// this first: `node ../../scripts/write-package-version.mjs src/package-version.ts`. It writes the
// version of package.json in the current folder as a constant, which every runtime can read
// (no file system, no JSON import: a browser, a Worker, a bundle), and which follows
// `changeset version`. Written only when it changed, so an unchanged build touches nothing.
import { readFileSync, writeFileSync } from "node:fs";

const [file] = process.argv.slice(2);
if (file === undefined) {
  console.error("usage: node write-package-version.mjs <file.ts>");
  process.exit(2);
}
const { name, version } = JSON.parse(readFileSync("package.json", "utf8"));
const text = `// Written by scripts/write-package-version.mjs from package.json at each build: do not edit.

/** The version of ${name}, as its package.json says. */
export const PACKAGE_VERSION = ${JSON.stringify(version)};
`;
let current;
try {
  current = readFileSync(file, "utf8");
} catch {
  current = undefined;
}
if (current !== text) writeFileSync(file, text);
