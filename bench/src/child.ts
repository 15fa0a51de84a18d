// One client, one scenario, in a fresh process: validate the answers, warm up, then measure
// wall time, CPU, peak RSS and heap, and time to first chunk. Prints one JSON line.
import { isDeepStrictEqual } from "node:util";
import { DRIVERS } from "./drivers/index.ts";
import {
  CALL_CONTENT,
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
  /** Per op (a call, a stream chunk, or a stream, by the scenario's unit), microseconds. */
  wallUs: number;
  cpuUs: number;
  opsPerSecond: number;
  peakRssMiB: number;
  peakHeapMiB: number;
  /** Streams: median time to first chunk, milliseconds. */
  ttfcMs?: number;
}

const [driverName = "", scenarioName = "", baseUrl = "", mode = ""] = process.argv.slice(2);
const load = DRIVERS[driverName];
const found = SCENARIOS.find((s) => s.name === scenarioName);
if (load === undefined || found === undefined)
  throw new Error(`unknown driver or scenario: ${driverName} ${scenarioName}`);
const scenario: Scenario = mode === "quick" ? quick(found) : found;
const driver = (await load())(baseUrl, { connections: Math.max(64, scenario.concurrency) });
const expectedText = Array.from({ length: scenario.chunks }, (_, i) => piece(i)).join("");
const expectedArgs = JSON.parse(TOOL_ARGS);
const firstChunks: number[] = [];

/** One operation, checked: a wrong answer fails the whole run. */
async function once(check: boolean): Promise<void> {
  if (scenario.kind === "call") {
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
      while (next++ < count) await once(check);
    }),
  );
}

await once(true);
await run(scenario.warmup, false);
firstChunks.length = 0;
let peakHeap = process.memoryUsage().heapUsed;
const sampler = setInterval(() => {
  peakHeap = Math.max(peakHeap, process.memoryUsage().heapUsed);
}, 5);
const cpu = process.cpuUsage();
const started = performance.now();
await run(scenario.ops, true);
const wallMs = performance.now() - started;
const used = process.cpuUsage(cpu);
clearInterval(sampler);
await driver.close();

const units = scenario.unit === "chunk" ? scenario.ops * scenario.chunks : scenario.ops;
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
process.stdout.write(`${JSON.stringify(measurement)}\n`);
process.exit(0);
