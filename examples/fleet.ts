// A fleet of agents past one process: three worker processes share one provider account's rate
// limit (5 requests a second here, to see it work quickly) and one $0.01 budget through Redis.
// Run: pnpm example fleet (offline: it starts a fake server, its workers and, when a
// redis-server is installed, Redis; without one it shows the in-process limit instead).
import { type ChildProcess, execFile, execFileSync, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { BudgetExceededError, CostTracker, LLMProvider } from "@loom/llm";
import { RedisBudgetStore, RedisConnection, RedisRateLimiter } from "@loom/llm-redis";
import { completionBody, createFakeServer, mostInWindow } from "@loom/llm-testing";

// About 2 000 prompt tokens (four characters a token, as a budget estimates them) and a
// completion limit of 1 000: what the fake server then reports, so each call's estimate is its
// cost, and the budget, which claims estimates, is never exceeded.
const hello = {
  messages: [
    { role: "user" as const, content: `Summarise the news: ${"The day's news. ".repeat(500)}` },
  ],
  maxTokens: 1_000,
};
const WINDOW_MS = 1_000;
const PER_WINDOW = 5;
const BUDGET_USD = 0.01;
/** A worker stops here even if the budget never says stop: an example must end. */
const MAX_CALLS_PER_WORKER = 50;

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
  for (; calls < MAX_CALLS_PER_WORKER; calls++) {
    try {
      await llm.call(hello);
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
  const { redis, port } = await startRedis(dir);
  // However this process ends (an error, Ctrl-C, a test runner's SIGTERM), Redis goes with it.
  const cleanup = () => {
    redis.kill("SIGKILL");
    rmSync(dir, { recursive: true, force: true });
  };
  process.once("exit", cleanup);
  for (const signal of ["SIGINT", "SIGTERM"] as const)
    process.once(signal, () => process.exit(signal === "SIGINT" ? 130 : 143));
  try {
    const run = promisify(execFile);
    const me = fileURLToPath(import.meta.url);
    const results = await Promise.all(
      ["worker-1", "worker-2", "worker-3"].map(async (name) => {
        const { stdout } = await run(
          process.execPath,
          [me, "--worker", server.baseUrl, `redis://127.0.0.1:${port}`, name],
          { timeout: 30_000, killSignal: "SIGKILL" },
        );
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
      `${arrivals.length} requests in ${span.toFixed(1)} s; the most in any ${WINDOW_MS - 50} ms: ${mostInWindow(arrivals, WINDOW_MS - 50)} (limit ${PER_WINDOW} a second, counted when Redis lets a request go: on a busy machine one may reach the server a little later, which marginMs covers)`,
    );
    console.log(`spent together: $${spent.toFixed(4)} of a $${BUDGET_USD} budget`);
  } finally {
    cleanup();
  }
}
await server.close();

/**
 * A redis-server on a loopback port the OS picked, in `dir`, nothing persisted: ready, or an
 * error saying why within 10 s (a port taken in between is tried again with another).
 */
async function startRedis(dir: string): Promise<{ redis: ChildProcess; port: number }> {
  for (let attempt = 1; ; attempt++) {
    const port = await freePort();
    const redis = spawn(
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
      { stdio: ["ignore", "pipe", "pipe"] },
    );
    try {
      await ready(redis);
      return { redis, port };
    } catch (error) {
      redis.kill("SIGKILL");
      if (attempt >= 3 || !String(error).includes("in use")) throw error;
    }
  }
}

/** Resolves when redis-server says it accepts connections; rejects if it exits or is slow. */
function ready(redis: ChildProcess): Promise<void> {
  return new Promise((resolve, reject) => {
    let seen = "";
    const timer = setTimeout(() => {
      reject(new Error(`redis-server did not start within 10 s: ${seen.slice(-500)}`));
    }, 10_000);
    const read = (data: Buffer) => {
      seen += data.toString();
      if (seen.includes("Ready to accept connections")) {
        clearTimeout(timer);
        resolve();
      }
    };
    redis.stdout?.on("data", read);
    redis.stderr?.on("data", read);
    redis.once("error", (error) => {
      clearTimeout(timer);
      reject(new Error(`redis-server could not be started: ${error.message}`));
    });
    redis.once("exit", (code) => {
      clearTimeout(timer);
      reject(
        new Error(`redis-server exited (code ${code}) before it was ready: ${seen.slice(-500)}`),
      );
    });
  });
}

/** A loopback port nobody listens on, as the OS hands it out. */
async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, "127.0.0.1", resolve));
  const { port } = probe.address() as { port: number };
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}
