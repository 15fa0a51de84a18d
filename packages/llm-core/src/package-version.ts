// Written by scripts/write-package-version.mjs from package.json at each build: do not edit.

/** The version of @loom/llm-core, as its package.json says. */
export const PACKAGE_VERSION = "0.1.0";
