// A fleet of agents past one process: three worker processes share one provider account's rate
// limit (5 requests a second here, to see it work quickly) and one $0.01 budget through Redis.
// Run: pnpm example fleet (offline: it starts a fake server, its workers and, when a
// redis-server is installed, Redis; without one it shows the in-process limit instead).
import { type ChildProcess, execFile, execFileSync, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { BudgetExceededError, CostTracker, LLMProvider } from "@loom/llm";
import { RedisBudgetStore, RedisConnection, RedisRateLimiter } from "@loom/llm-redis";
import { completionBody, createFakeServer, mostInWindow } from "@loom/llm-testing";

const hello = {
  messages: [{ role: "user" as const, content: "Summarise the news." }],
  maxTokens: 500,
};
const WINDOW_MS = 1_000;
const PER_WINDOW = 5;
const BUDGET_USD = 0.01;

if (process.argv[2] === "--worker") {
  // One worker: calls until the shared budget says stop, within the shared rate limit.
  const [, , , baseUrl = "", redisUrl = "", name = ""] = process.argv;
  const connection = new RedisConnection({ url: redisUrl });
  const limiter = new RedisRateLimiter({
    connection,
    requestsPerMinute: PER_WINDOW,
    windowMs: WINDOW_MS,
    key: "example-account",
  });
  const tracker = new CostTracker({
    budgetUsd: BUDGET_USD,
    store: new RedisBudgetStore({ connection }),
    budgetKey: "example-budget",
  });
  const llm = new LLMProvider(
    {},
    { baseUrl, model: "gpt-4o-mini", provider: "fleet", maxRetries: 0 },
    { gates: [limiter], tracker, telemetry: false },
  );
  let calls = 0;
  for (;;) {
    try {
      await llm.call(hello);
      calls++;
    } catch (error) {
      if (!BudgetExceededError.isInstance(error)) throw error;
      break;
    }
  }
  await llm.close();
  await connection.close();
  console.log(JSON.stringify({ name, calls, spentUsd: tracker.spentUsd }));
  process.exit(0);
}

const arrivals: number[] = [];
const server = await createFakeServer({
  fallback: () => {
    arrivals.push(performance.now());
    // 2 000 prompt and 1 000 completion tokens of gpt-4o-mini: $0.0009 a call.
    return {
      type: "json",
      body: completionBody({
        usage: { prompt_tokens: 2_000, completion_tokens: 1_000, total_tokens: 3_000 },
      }),
    };
  },
});

let redisAvailable = true;
try {
  execFileSync("redis-server", ["--version"], { stdio: "ignore" });
} catch {
  redisAvailable = false;
}

if (!redisAvailable) {
  console.log("redis-server is not installed: one process, with the in-process limit instead.");
  const llm = new LLMProvider(
    {},
    { baseUrl: server.baseUrl, model: "m", rateLimit: { requestsPerMinute: 3 } },
    { telemetry: false },
  );
  const started = Date.now();
  await Promise.all([0, 1, 2].map(() => llm.call(hello)));
  const held = await llm
    .call({ ...hello, deadlineMs: 500 })
    .catch((error: Error) => `${error.name}: ${error.message}`);
  console.log(`3 calls in ${Date.now() - started} ms; a 4th within the minute: ${held}`);
  await llm.close();
} else {
  const dir = mkdtempSync(join(tmpdir(), "loom-fleet-"));
  const port = 20_000 + Math.floor(Math.random() * 20_000);
  const redis: ChildProcess = spawn(
    "redis-server",
    [
      "--port",
      String(port),
      "--bind",
      "127.0.0.1",
      "--dir",
      dir,
      "--save",
      "",
      "--appendonly",
      "no",
    ],
    { stdio: ["ignore", "pipe", "ignore"] },
  );
  await new Promise<void>((resolve) =>
    redis.stdout?.on("data", (data: Buffer) => {
      if (data.toString().includes("Ready to accept connections")) resolve();
    }),
  );
  try {
    const run = promisify(execFile);
    const me = fileURLToPath(import.meta.url);
    const results = await Promise.all(
      ["worker-1", "worker-2", "worker-3"].map(async (name) => {
        const { stdout } = await run(process.execPath, [
          me,
          "--worker",
          server.baseUrl,
          `redis://127.0.0.1:${port}`,
          name,
        ]);
        return JSON.parse(stdout.trim().split("\n").at(-1) ?? "{}") as {
          name: string;
          calls: number;
          spentUsd: number;
        };
      }),
    );
    for (const r of results) console.log(`${r.name}: ${r.calls} calls, $${r.spentUsd.toFixed(4)}`);
    const spent = results.reduce((sum, r) => sum + r.spentUsd, 0);
    const span = ((arrivals.at(-1) ?? 0) - (arrivals[0] ?? 0)) / 1000;
    console.log(
      `${arrivals.length} requests in ${span.toFixed(1)} s; the most in any ${WINDOW_MS - 50} ms: ${mostInWindow(arrivals, WINDOW_MS - 50)} (limit ${PER_WINDOW} a second)`,
    );
    console.log(`spent together: $${spent.toFixed(4)} of a $${BUDGET_USD} budget`);
  } finally {
    redis.kill("SIGKILL");
    rmSync(dir, { recursive: true, force: true });
  }
}
await server.close();
