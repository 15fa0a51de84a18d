// `pnpm check:deps` (and `pnpm test`): the dependency rules of .dependency-cruiser.cjs over the
// packages' sources, one line per violation, `error <rule>: <from> → <to>`, a circle as its whole loop.
// The depcruise CLI reads the same config for anything else (a graph: `pnpm exec depcruise
// packages/*/src --config .dependency-cruiser.cjs --output-type dot`); its own `err` output
// spreads a circle over several lines.
import { cruise } from "dependency-cruiser";
import extractDepcruiseOptions from "dependency-cruiser/config-utl/extract-depcruise-options";
import extractTSConfig from "dependency-cruiser/config-utl/extract-ts-config";

const options = await extractDepcruiseOptions("./.dependency-cruiser.cjs");
const tsConfig = extractTSConfig(options.tsConfig.fileName);
const { output } = await cruise(["packages/*/src"], options, {}, { tsConfig });
const { summary } = output;

const path = (violation) =>
  violation.cycle
    ? [violation.from, ...violation.cycle.map(({ name }) => name)]
    : [violation.from, violation.to];
for (const violation of summary.violations) {
  console.error(
    `${violation.rule.severity} ${violation.rule.name}: ${path(violation).join(" → ")}`,
  );
}
const line = `${summary.totalCruised} modules, ${summary.totalDependenciesCruised} dependencies`;
if (summary.violations.length > 0) {
  console.error(
    `check:deps: ${summary.violations.length} violation(s) in ${line} (.dependency-cruiser.cjs says why each rule exists)`,
  );
} else {
  console.log(`check:deps: no dependency violations (${line})`);
}
process.exitCode = summary.error > 0 ? 1 : 0;
