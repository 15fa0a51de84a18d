// Sums the JSON reports vitest writes in each package into one closing line,
// `tests: N passed, M failed, K skipped`, so a CI log's result reads at a glance.
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

const root = new URL("..", import.meta.url).pathname;
// A group is a package itself (examples/) and holds packages (packages/*, examples/*).
const dirs = ["packages", "examples", "bench", "integration", "runtimes", "release"]
  .filter((group) => existsSync(join(root, group)))
  .flatMap((group) => [
    join(root, group),
    ...readdirSync(join(root, group), { withFileTypes: true })
      .filter((entry) => entry.isDirectory())
      .map((entry) => join(root, group, entry.name)),
  ]);

let passed = 0;
let failed = 0;
let skipped = 0;
for (const dir of dirs) {
  const file = join(dir, ".vitest-results.json");
  if (!existsSync(file)) continue;
  const report = JSON.parse(readFileSync(file, "utf8"));
  passed += report.numPassedTests;
  failed +=
    report.numFailedTests + (report.numFailedTestSuites > 0 && report.numFailedTests === 0 ? 1 : 0);
  skipped += report.numPendingTests + report.numTodoTests;
}
console.log(`tests: ${passed} passed, ${failed} failed, ${skipped} skipped`);
