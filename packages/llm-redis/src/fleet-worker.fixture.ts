// One worker of a fleet, in its own process: calls the fake server through a client that shares
// its rate limit or budget through Redis, then prints what it did as one JSON line.
//   node fleet-worker.fixture.ts <baseUrl> <redisUrl> rate <calls> <requestsPerWindow> <windowMs> <startAt> <marginMs>
//   node fleet-worker.fixture.ts <baseUrl> <redisUrl> budget <budgetUsd> <key> <parallel>
import { ChatClient } from "@loom/llm-core";
import { CostTracker, costGates, costHooks } from "@loom/llm-providers";
import { RedisBudgetStore, RedisRateLimiter } from "@loom/llm-redis";
import { BudgetExceededError } from "@loom/llm-types";

const [baseUrl = "", url = "", mode = "", a = "", b = "", c = "", d = "", e = "300"] =
  process.argv.slice(2);
const hello = { messages: [{ role: "user" as const, content: "hello" }], maxTokens: 1_000 };
const config = { baseUrl, model: "gpt-4o-mini", maxRetries: 0, provider: "fleet" };
const quiet = { warn() {}, info() {} };

if (mode === "rate") {
  const limiter = new RedisRateLimiter({
    url,
    logger: quiet,
    requestsPerMinute: Number(b),
    windowMs: Number(c),
    // Four processes on two busy cores: a request may reach the server well after Redis let it
    // go, and the server must still never see more than the limit in a window.
    marginMs: Number(e),
    key: "fleet-account",
  });
  const llm = new ChatClient({}, config, { gates: [limiter] });
  // One call first, before the measured ones: the socket is open and the code warm, so each
  // measured request reaches the server as soon as Redis lets it go.
  await llm.call(hello);
  await new Promise((resolve) => setTimeout(resolve, Math.max(0, Number(d) - Date.now())));
  let done = 0;
  await Promise.all(
    Array.from({ length: Number(a) }, async () => {
      await llm.call(hello);
      done++;
    }),
  );
  await llm.close();
  await limiter.close();
  process.stdout.write(`${JSON.stringify({ done })}\n`);
} else {
  const store = new RedisBudgetStore({ url, logger: quiet });
  // Connected before the first call: on a loaded machine the first connection can take longer
  // than a request waits for it, and that request would go unaccounted (the store fails open).
  for (let tries = 0; ; tries++) {
    try {
      await store.spentUsd(b);
      break;
    } catch (error) {
      if (tries >= 50) throw error;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
  const missedBefore = store.unavailable;
  const tracker = new CostTracker({ budgetUsd: Number(a), store, budgetKey: b });
  const llm = new ChatClient({}, config, {
    hooks: [costHooks({ tracker })],
    gates: costGates({ tracker }),
  });
  let calls = 0;
  let refused = 0;
  await Promise.all(
    Array.from({ length: Number(c) }, async () => {
      for (;;) {
        try {
          await llm.call(hello);
          calls++;
        } catch (error) {
          if (!BudgetExceededError.isInstance(error)) throw error;
          refused++;
          return;
        }
      }
    }),
  );
  await llm.close();
  await store.close();
  const unaccounted = store.unavailable - missedBefore;
  process.stdout.write(
    `${JSON.stringify({ calls, refused, spent: tracker.spentUsd, unaccounted })}\n`,
  );
}
