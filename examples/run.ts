// `pnpm example NAME`: runs examples/NAME.ts (the extension is optional).
import { existsSync, readdirSync } from "node:fs";
import { fileURLToPath } from "node:url";

const here = fileURLToPath(new URL(".", import.meta.url));
const name = (process.argv[2] ?? "").replace(/\.ts$/, "");
// Helpers of the examples, not examples.
const helpers = new Set(["run", "connect"]);
const available = readdirSync(here)
  .filter((f) => f.endsWith(".ts") && !f.endsWith(".test.ts"))
  .map((f) => f.slice(0, -3))
  .filter((f) => !helpers.has(f));
if (!name || helpers.has(name) || !existsSync(`${here}${name}.ts`)) {
  console.error(`usage: pnpm example NAME, one of: ${available.join(", ")}`);
  process.exit(2);
}
await import(`${here}${name}.ts`);
