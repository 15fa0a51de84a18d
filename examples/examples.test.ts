// Every example runs offline, as `pnpm example NAME` runs it, with no API key in its environment.
import { execFile, execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";

const here = fileURLToPath(new URL(".", import.meta.url));
const run = promisify(execFile);
// The example's environment: this one's, less any key that would make it go online.
const env = Object.fromEntries(
  Object.entries(process.env).filter(([name]) => !/_API_KEY$/.test(name)),
);

function hasRedis(): boolean {
  try {
    execFileSync("redis-server", ["--version"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}

const examples: [string, string[]][] = [
  [
    "quickstart.ts",
    [
      "running OFFLINE",
      "call(): It must be fast",
      "usage: 38 prompt + 31 completion",
      "provider  model",
    ],
  ],
  [
    "config.ts",
    ["apiKey: 'sk-…", 'unknown key (did you mean "temperature"?)', "A 429 becomes: RateLimitError"],
  ],
  ["agent.ts", ["step 0: lookup_document", "step 1: calculate", "stop: answered, 3 model calls"]],
  [
    "streaming.ts",
    ["text:   Red, green and blue", '"reasoning":', "first chunk only:", "response(): AbortError"],
  ],
  [
    "structured-output.ts",
    ["Tokyo, Japan: 37,400,000 people", "invalid reply caught: population:"],
  ],
  [
    "fallback.ts",
    ["provider #1 failed (ConnectionError)", "local answered: Answered by the local model."],
  ],
  [
    "cost-report.ts",
    [
      "turn 1: 20000 prompt (0 cached)",
      "stopped before sending: ",
      "deepseek  deepseek-chat",
      "cost unknown (no price)",
    ],
  ],
  [
    "fleet.ts",
    // With a redis-server (CI installs one) three workers share the limit and the budget;
    // without, one process shows the in-process limit.
    [hasRedis() ? "spent together: $" : "with the in-process limit instead"],
  ],
  [
    "tracing.ts",
    [
      "name: 'chat qwen2.5-0.5b-instruct'",
      "'gen_ai.response.time_to_first_chunk'",
      "gen_ai.client.operation.duration",
    ],
  ],
];

describe("examples run offline", () => {
  it.each(examples)("%s", async (file, expected) => {
    const { stdout } = await run(process.execPath, [`${here}${file}`], {
      cwd: here,
      env,
      timeout: 30_000,
    });
    for (const fragment of expected) expect(stdout).toContain(fragment);
  });
});
