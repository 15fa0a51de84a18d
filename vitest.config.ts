import { defineConfig } from "vitest/config";

// One shared config: every package runs `vitest run --config ../../vitest.config.ts`,
// so the root stays the package directory and only its own sources are collected.
export default defineConfig({
  test: {
    // Packages keep tests beside their sources; examples/ has its runner at the top.
    include: ["src/**/*.test.ts", "*.test.ts"],
    // Built output mirrors the sources; collecting it would run every test twice.
    exclude: ["**/node_modules/**", "**/dist/**"],
    reporters: ["default", "json"],
    // .ci/run sums these files into its closing `tests: N passed, M failed` line.
    outputFile: { json: ".vitest-results.json" },
    testTimeout: 20_000,
  },
});
