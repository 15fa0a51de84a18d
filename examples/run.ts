// `pnpm example NAME`: runs examples/NAME.ts (the extension is optional).
import { existsSync, readdirSync } from "node:fs";
import { fileURLToPath } from "node:url";

const here = fileURLToPath(new URL(".", import.meta.url));
const name = (process.argv[2] ?? "").replace(/\.ts$/, "");
const available = readdirSync(here)
  .filter((f) => f.endsWith(".ts") && !f.endsWith(".test.ts") && f !== "run.ts")
  .map((f) => f.slice(0, -3));
if (!name || !existsSync(`${here}${name}.ts`)) {
  console.error(`usage: pnpm example NAME, one of: ${available.join(", ")}`);
  process.exit(2);
}
await import(`${here}${name}.ts`);
