// One client, one scenario, in a fresh process: validate the answers, warm up, then measure
// wall time, CPU, peak RSS and heap, and time to first chunk. Prints one JSON line. Runs on
// Node, Bun and Deno alike (run.ts): the `process` it reads (argv, cpuUsage, memoryUsage,
// resourceUsage, exit) all three have, and Bun's and Deno's cpuUsage is the whole process's,
// every thread of it (Bun's HTTP client runs on one of its own), as Node's is.
import { isDeepStrictEqual } from "node:util";
import type { Driver } from "./drivers/driver.ts";
import { DRIVERS } from "./drivers/index.ts";
import {
  AGENT_ANSWER,
  AGENT_STEPS,
  CALL_CONTENT,
  FLEET_SIZE,
  piece,
  quick,
  SCENARIOS,
  type Scenario,
  TOOL_ARGS,
  TOOL_NAME,
} from "./scenarios.ts";

export interface Measurement {
  driver: string;
  scenario: string;
  ops: number;
  /** Per unit (a call, a stream chunk, a stream, an agent step, a process), microseconds. */
  wallUs: number;
  cpuUs: number;
  opsPerSecond: number;
  peakRssMiB: number;
  peakHeapMiB: number;
  /** Streams: median time to first chunk, milliseconds. */
  ttfcMs?: number;
  /** Fleet: heap held per client (with its connection), KiB. */
  heapPerClientKiB?: number;
  /** Fleet: CPU to make one client (before its first call), microseconds. */
  makeClientUs?: number;
  /** Import: median time of the `import()` itself inside the process, milliseconds. */
  importMs?: number;
}

// `mode`: "full", "quick", or "full:ops=N" / "quick:ops=N", the scenario with N measured
// operations instead of its own (instruction counts take the difference of two such runs).
const [driverName = "", scenarioName = "", baseUrl = "", mode = ""] = process.argv.slice(2);
const load = DRIVERS[driverName];
const found = SCENARIOS.find((s) => s.name === scenarioName);
if (load === undefined || found === undefined)
  throw new Error(`unknown driver or scenario: ${driverName} ${scenarioName}`);
const [size, opsOverride] = mode.split(":ops=");
const sized: Scenario = size === "quick" ? quick(found) : found;
const scenario: Scenario =
  opsOverride === undefined ? sized : { ...sized, ops: Number.parseInt(opsOverride, 10) };
const factory = await load();
const expectedText = Array.from({ length: scenario.chunks }, (_, i) => piece(i)).join("");
const expectedArgs = JSON.parse(TOOL_ARGS);
const firstChunks: number[] = [];

// The fleet: one client per agent, each with its own connection, calls spread over them.
let heapPerClientKiB: number | undefined;
let makeClientUs: number | undefined;
let clients: Driver[];
if (scenario.kind === "fleet") {
  const gc = (globalThis as { gc?: () => void }).gc;
  gc?.();
  const before = process.memoryUsage().heapUsed;
  const making = process.cpuUsage();
  clients = Array.from({ length: FLEET_SIZE }, () => factory(baseUrl));
  const made = process.cpuUsage(making);
  makeClientUs = (made.user + made.system) / FLEET_SIZE;
  // Each client makes its first call: its pool and socket are part of what it holds.
  for (let i = 0; i < clients.length; i += 64)
    await Promise.all(clients.slice(i, i + 64).map((c) => once(c, true)));
  gc?.();
  heapPerClientKiB = (process.memoryUsage().heapUsed - before) / 1024 / FLEET_SIZE;
} else {
  clients = [factory(baseUrl)];
}

/** One operation, checked: a wrong answer fails the whole run. */
async function once(driver: Driver, check: boolean): Promise<void> {
  if (scenario.kind === "call" || scenario.kind === "fleet") {
    const res = await driver.call(scenario.model);
    if (check && (res.content !== CALL_CONTENT || res.promptTokens !== 14))
      fail(`call returned ${JSON.stringify(res)}`);
  } else if (scenario.kind === "stream") {
    const started = performance.now();
    const res = await driver.stream(scenario.model, () =>
      firstChunks.push(performance.now() - started),
    );
    if (
      check &&
      (res.content !== expectedText ||
        res.chunks !== scenario.chunks ||
        res.completionTokens !== scenario.chunks)
    ) {
      fail(
        `stream returned ${res.chunks} chunks, ${res.completionTokens} tokens, text ${res.content === expectedText ? "ok" : "wrong"}`,
      );
    }
  } else if (scenario.kind === "agent") {
    const res = await driver.agent(scenario.model);
    if (check && (res.steps !== AGENT_STEPS || res.content !== AGENT_ANSWER))
      fail(`agent made ${res.steps} steps and answered ${JSON.stringify(res.content)}`);
  } else {
    const res = await driver.tools(scenario.model);
    if (check && (res.name !== TOOL_NAME || !isDeepStrictEqual(res.args, expectedArgs)))
      fail(`tool call returned ${JSON.stringify(res).slice(0, 200)}`);
  }
}

function fail(message: string): never {
  process.stderr.write(`${driverName} / ${scenario.name}: wrong answer: ${message}\n`);
  process.exit(2);
}

async function run(count: number, check: boolean): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(scenario.concurrency, count) }, async () => {
      while (next < count) {
        const client = clients[next++ % clients.length] as Driver;
        await once(client, check);
      }
    }),
  );
}

await once(clients[0] as Driver, true);
await run(scenario.warmup, false);
firstChunks.length = 0;
let peakHeap = process.memoryUsage().heapUsed;
// Not while instructions are counted (`ops=`): how often it runs depends on the wall time.
const sampler =
  opsOverride === undefined
    ? setInterval(() => {
        peakHeap = Math.max(peakHeap, process.memoryUsage().heapUsed);
      }, 5)
    : undefined;
const cpu = process.cpuUsage();
const started = performance.now();
await run(scenario.ops, true);
const wallMs = performance.now() - started;
const used = process.cpuUsage(cpu);
clearInterval(sampler);
await Promise.all(clients.map((c) => c.close()));

const perOp = scenario.unit === "chunk" || scenario.unit === "step" ? scenario.chunks : 1;
const units = scenario.ops * perOp;
const sorted = firstChunks.sort((a, b) => a - b);
const measurement: Measurement = {
  driver: driverName,
  scenario: scenario.name,
  ops: scenario.ops,
  wallUs: (wallMs * 1000) / units,
  cpuUs: (used.user + used.system) / units,
  opsPerSecond: (scenario.ops * 1000) / wallMs,
  peakRssMiB: process.resourceUsage().maxRSS / 1024,
  peakHeapMiB: Math.max(peakHeap, process.memoryUsage().heapUsed) / 1024 / 1024,
};
if (sorted.length > 0) measurement.ttfcMs = sorted[Math.floor(sorted.length / 2)] ?? 0;
if (heapPerClientKiB !== undefined) measurement.heapPerClientKiB = heapPerClientKiB;
if (makeClientUs !== undefined) measurement.makeClientUs = makeClientUs;
process.stdout.write(`${JSON.stringify(measurement)}\n`);
process.exit(0);
