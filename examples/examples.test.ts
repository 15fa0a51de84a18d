// Every example runs offline, as `pnpm example NAME` runs it, with no API key in its environment.
import { execFileSync, spawn } from "node:child_process";
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it } from "vitest";

const here = fileURLToPath(new URL(".", import.meta.url));
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

/** Process groups of the examples started by the current test. */
const groups = new Set<number>();

// Whatever the example started (workers, redis-server) is in its process group: the whole group
// ends with the test, passed, failed or timed out.
afterEach(() => {
  for (const pid of groups) killGroup(pid);
  groups.clear();
});

function killGroup(pid: number): void {
  try {
    process.kill(-pid, "SIGKILL");
  } catch {
    // Already gone.
  }
}

/** Runs an example in a process group of its own; its output, or an error within `timeoutMs`. */
function runExample(
  file: string,
  timeoutMs: number,
  environment: NodeJS.ProcessEnv = env,
): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [`${here}${file}`], {
      cwd: here,
      env: environment,
      detached: true,
      stdio: ["ignore", "pipe", "pipe"],
    });
    if (child.pid !== undefined) groups.add(child.pid);
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (data: Buffer) => {
      stdout += data.toString();
    });
    child.stderr.on("data", (data: Buffer) => {
      stderr += data.toString();
    });
    const timer = setTimeout(() => {
      if (child.pid !== undefined) killGroup(child.pid);
      reject(new Error(`${file} did not finish within ${timeoutMs} ms\n${stdout}\n${stderr}`));
    }, timeoutMs);
    child.once("error", reject);
    child.once("exit", (code, signal) => {
      clearTimeout(timer);
      if (code === 0) resolve(stdout);
      else reject(new Error(`${file} exited with ${code ?? signal}\n${stdout}\n${stderr}`));
    });
  });
}

describe("examples run offline", () => {
  // Each within 45 s, well inside the test's own bound, so a slow one fails with its output.
  it.each(examples)(
    "%s",
    async (file, expected) => {
      const stdout = await runExample(file, 45_000);
      for (const fragment of expected) expect(stdout).toContain(fragment);
    },
    60_000,
  );
});

describe("an example whose server cannot start says so within seconds", () => {
  it("fleet.ts with a redis-server that fails at once", async () => {
    const bin = mkdtempSync(join(tmpdir(), "loom-fake-redis-"));
    try {
      // Answers --version (so the example takes the Redis path), then fails as a taken port does.
      const fake = join(bin, "redis-server");
      writeFileSync(
        fake,
        '#!/bin/sh\n[ "$1" = --version ] && { echo "Redis server v=7"; exit 0; }\necho "Could not create server TCP listening socket: bind: Permission denied" >&2\nexit 1\n',
      );
      chmodSync(fake, 0o755);
      const started = performance.now();
      const failure = await runExample("fleet.ts", 20_000, {
        ...env,
        PATH: `${bin}:${env.PATH ?? ""}`,
      }).then(
        () => undefined,
        (error: Error) => error.message,
      );
      expect(failure).toContain("redis-server exited (code 1) before it was ready");
      expect(failure).toContain("Permission denied");
      // Not the 20 s bound: it failed as soon as redis-server did.
      expect(performance.now() - started).toBeLessThan(15_000);
    } finally {
      rmSync(bin, { recursive: true, force: true });
    }
  }, 30_000);
});

describe("an example that reaches a real provider and fails", () => {
  // No network in a test: a preload makes every name fail at once, as an offline machine's does.
  const noDns = `data:text/javascript,${encodeURIComponent(
    'import dns from "node:dns"; dns.lookup = (host, options, callback) => { const done = typeof options === "function" ? options : callback; process.nextTick(() => done(Object.assign(new Error("getaddrinfo ENOTFOUND " + host), { code: "ENOTFOUND" }))); };',
  )}`;

  it("says so in a line and how to run it offline, exit 1, no stack trace, never the key", async () => {
    const key = "sk-bogusKEY1234567890abcdefXYZ";
    const child = spawn(process.execPath, ["--import", noDns, `${here}run.ts`, "quickstart"], {
      cwd: here,
      env: { ...env, DEEPSEEK_API_KEY: key },
      detached: true,
      stdio: ["ignore", "pipe", "pipe"],
    });
    if (child.pid !== undefined) groups.add(child.pid);
    let output = "";
    child.stdout.on("data", (data: Buffer) => {
      output += data.toString();
    });
    child.stderr.on("data", (data: Buffer) => {
      output += data.toString();
    });
    const code = await new Promise<number | null>((resolve) => child.once("exit", resolve));
    expect(code).toBe(1);
    expect(output).toContain("example quickstart failed: ConnectionError:");
    expect(output).toContain("because DEEPSEEK_API_KEY is set; without it");
    expect(output).not.toMatch(/^\s+at /m);
    expect(output).not.toContain(key.slice(3, 20));
  }, 30_000);
});
