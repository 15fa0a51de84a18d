// `pnpm test` (turbo task check:api): checks each API report of the package in the current
// folder (api/*.api.md, one per api-extractor*.json) against its built declarations in dist/.
// A report that differs fails, with a message that says how to accept the change.
import { readdirSync, readFileSync } from "node:fs";
import { resolve } from "node:path";
import { Extractor, ExtractorConfig } from "@microsoft/api-extractor";

const { name } = JSON.parse(readFileSync("package.json", "utf8"));
const configs = readdirSync(".")
  .filter((file) => /^api-extractor(\.[\w-]+)?\.json$/.test(file))
  .sort();
if (configs.length === 0) {
  console.error(`${name}: no api-extractor*.json in ${process.cwd()}`);
  process.exit(1);
}

let changed = false;
let failed = false;
for (const file of configs) {
  const config = ExtractorConfig.loadFileAndPrepare(resolve(file));
  const result = Extractor.invoke(config, {
    localBuild: false,
    printApiReportDiff: true,
    // Drop the "Analysis will use the bundled TypeScript version" notice; warnings and errors stay.
    messageCallback: (message) => {
      if (message.logLevel === "info") message.handled = true;
    },
  });
  changed ||= result.apiReportChanged;
  failed ||= !result.succeeded;
}

if (changed) {
  console.error(
    `\nThe public API of ${name} changed: review the diff of api/*.api.md and run \`pnpm api\` to accept it.`,
  );
} else if (failed) {
  console.error(`\nAPI Extractor found problems in ${name}: see its messages above.`);
}
process.exitCode = failed || changed ? 1 : 0;
