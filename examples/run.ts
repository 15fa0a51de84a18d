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
try {
  await import(`${here}${name}.ts`);
} catch (error) {
  // One line a person can act on, not a stack trace: the error's own words (the library's
  // errors name the provider, the request and the key's variable, never the key).
  const text = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  console.error(`\nexample ${name} failed: ${text}`);
  const key = ["DEEPSEEK_API_KEY", "OPENAI_API_KEY"].find((k) => process.env[k]);
  if (key !== undefined)
    console.error(
      `It talked to a real provider because ${key} is set; without it (${key}= pnpm example ${name}) it runs offline against a local fake server.`,
    );
  process.exitCode = 1;
}
