// pnpm bench [--quick] [--json] [--only=scenario,...]
// Each client runs each scenario in its own fresh process against a server in another;
// rounds alternate the client order, and each figure is the median over rounds of the ratio
// to raw undici measured in the same round, with the range of those ratios beside it.
import { execFile, spawn } from "node:child_process";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { cpus } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { chart } from "./chart.ts";
import type { Measurement } from "./child.ts";
import { DRIVERS } from "./drivers/index.ts";
import { type Metric, SCENARIOS, type Scenario } from "./scenarios.ts";

const run = promisify(execFile);
const args = process.argv.slice(2);
const isQuick = args.includes("--quick");
const asJson = args.includes("--json");
const only = args
  .find((a) => a.startsWith("--only="))
  ?.slice(7)
  .split(",");
const rounds = isQuick ? 2 : 7;
const here = fileURLToPath(new URL(".", import.meta.url));
/** The `loom-llm` binary, as @loom/llm-cli's `bin` names it. */
const cliManifest = fileURLToPath(import.meta.resolve("@loom/llm-cli/package.json"));
const cli = join(
  dirname(cliManifest),
  (JSON.parse(readFileSync(cliManifest, "utf8")) as { bin: Record<string, string> }).bin[
    "loom-llm"
  ] ?? "",
);
const scenarios = SCENARIOS.filter((s) => only === undefined || only.includes(s.name));
const drivers = Object.keys(DRIVERS);
const FLOOR = "raw-undici";

const server = spawn(process.execPath, [`${here}server.ts`], {
  stdio: ["ignore", "pipe", "inherit"],
});
const port = await new Promise<string>((resolve) =>
  server.stdout.once("data", (data: Buffer) => resolve(data.toString().trim())),
);
const baseUrl = `http://127.0.0.1:${port}/v1`;

/** Wall time of a whole process, spawn to exit, milliseconds. */
async function processMs(command: string[]): Promise<number> {
  const started = performance.now();
  await run(process.execPath, command, { maxBuffer: 1 << 20 });
  return performance.now() - started;
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
};

/** A cold start: `ops` fresh processes, the median of their wall times. */
async function coldStart(driver: string, scenario: Scenario): Promise<Measurement> {
  const times: number[] = [];
  for (let i = 0; i < scenario.ops; i++)
    times.push(await processMs([`${here}cold.ts`, driver, baseUrl]));
  const wallMs = median(times);
  return {
    driver,
    scenario: scenario.name,
    ops: scenario.ops,
    wallUs: wallMs * 1000,
    cpuUs: Number.NaN,
    opsPerSecond: 1000 / wallMs,
    peakRssMiB: Number.NaN,
    peakHeapMiB: Number.NaN,
  };
}

const results: Record<string, Record<string, Measurement[]>> = {};
/** `loom-llm --help` and `node -e 0`, per round: medians of 10 processes each. */
const cliRounds: { help: number; node: number }[] = [];
try {
  for (let round = 0; round < rounds; round++) {
    for (const scenario of scenarios) {
      // Alternate the order each round: no client always runs on a warmer or cooler machine.
      const order = round % 2 === 0 ? drivers : [...drivers].reverse();
      for (const driver of order) {
        let measurement: Measurement;
        if (scenario.kind === "cold") {
          measurement = await coldStart(driver, scenario);
        } else {
          const flags = scenario.kind === "fleet" ? ["--expose-gc"] : [];
          const { stdout } = await run(
            process.execPath,
            [
              ...flags,
              `${here}child.ts`,
              driver,
              scenario.name,
              baseUrl,
              isQuick ? "quick" : "full",
            ],
            { maxBuffer: 1 << 20 },
          );
          measurement = JSON.parse(stdout.trim().split("\n").at(-1) ?? "{}") as Measurement;
        }
        const byDriver = results[scenario.name] ?? {};
        results[scenario.name] = byDriver;
        byDriver[driver] = [...(byDriver[driver] ?? []), measurement];
        if (!asJson)
          process.stderr.write(
            `round ${round + 1}/${rounds} ${scenario.name} ${driver}: ${(scenario.kind === "cold" ? measurement.wallUs / 1000 : measurement.cpuUs).toFixed(2)} ${scenario.kind === "cold" ? "ms wall" : "µs CPU"}/${scenario.unit}\n`,
          );
      }
    }
    if (only === undefined || only.includes("cli-help")) {
      const help: number[] = [];
      const node: number[] = [];
      for (let i = 0; i < (isQuick ? 3 : 10); i++) {
        node.push(await processMs(["-e", "0"]));
        help.push(await processMs([cli, "--help"]));
      }
      cliRounds.push({ help: median(help), node: median(node) });
    }
  }
} finally {
  server.kill();
}

/** A measurement's figure for a metric. */
function figure(m: Measurement | undefined, metric: Metric): number {
  if (m === undefined) return Number.NaN;
  switch (metric) {
    case "cpu":
      return m.cpuUs;
    case "wall":
      return m.wallUs;
    case "rss":
      return m.peakRssMiB;
    case "ttfc":
      return m.ttfcMs ?? Number.NaN;
    case "heap-per-client":
      return m.heapPerClientKiB ?? Number.NaN;
  }
}

const UNITS: Record<Metric, string> = {
  cpu: "µs CPU",
  wall: "µs wall",
  rss: "MiB peak RSS",
  ttfc: "ms to first chunk",
  "heap-per-client": "KiB heap held per client",
};

interface Row {
  driver: string;
  /** The metric's own figure (median over rounds). */
  value: number;
  /** Median over rounds of the per-round ratio to raw undici, and its range. */
  ratio: number;
  min: number;
  max: number;
}
interface Entry {
  scenario: string;
  metric: Metric;
  unit: string;
  target: number;
  about: string;
  rows: Row[];
}
const report: Entry[] = [];
for (const scenario of scenarios) {
  const byDriver = results[scenario.name] ?? {};
  const floor = byDriver[FLOOR] ?? [];
  for (const { metric, target } of scenario.metrics) {
    const rows = drivers.map((driver): Row => {
      const runs = byDriver[driver] ?? [];
      const ratios = runs.map((m, i) => figure(m, metric) / figure(floor[i], metric));
      return {
        driver,
        value: median(runs.map((m) => figure(m, metric))),
        ratio: median(ratios),
        min: Math.min(...ratios),
        max: Math.max(...ratios),
      };
    });
    report.push({
      scenario: scenario.name,
      metric,
      // Time to first chunk is per stream, heap per client, whatever the scenario counts.
      unit: `${UNITS[metric]}${metric === "ttfc" ? " per stream" : metric === "heap-per-client" ? "" : ` per ${scenario.unit}`}`,
      target,
      about: scenario.about,
      rows,
    });
  }
}
if (cliRounds.length > 0) {
  const ratios = cliRounds.map((r) => r.help / r.node);
  report.push({
    scenario: "cli-help",
    metric: "wall",
    unit: "ms wall per process",
    target: 3.5,
    about: "`loom-llm --help` in a fresh process, against `node -e 0`",
    rows: [
      {
        driver: "node -e 0",
        value: median(cliRounds.map((r) => r.node)),
        ratio: 1,
        min: 1,
        max: 1,
      },
      {
        driver: "loom-llm --help",
        value: median(cliRounds.map((r) => r.help)),
        ratio: median(ratios),
        min: Math.min(...ratios),
        max: Math.max(...ratios),
      },
    ],
  });
}

// Telemetry on (no SDK registered) against off, per round: the cost of tracing nobody reads.
const telemetry: Record<string, number> = {};
for (const scenario of scenarios) {
  const on = results[scenario.name]?.loom ?? [];
  const off = results[scenario.name]?.["loom (no telemetry)"] ?? [];
  const metric = scenario.metrics[0]?.metric ?? "cpu";
  telemetry[scenario.name] = median(on.map((m, i) => figure(m, metric) / figure(off[i], metric)));
}

const machine = `${cpus().length} × ${cpus()[0]?.model ?? "cpu"}, Node ${process.versions.node}`;
const stamp = new Date().toISOString().slice(0, 10);
const summary = { date: stamp, machine, rounds, quick: isQuick, report, telemetry };
if (asJson) {
  process.stdout.write(`${JSON.stringify(summary, null, 2)}\n`);
} else {
  for (const { scenario, metric, unit, target, about, rows } of report) {
    console.log(`\n${scenario}, ${metric} (${unit}; target <= ${target}): ${about}`);
    console.log("client                       value     ratio   range (per round)");
    for (const r of rows) {
      console.log(
        [
          r.driver.padEnd(22),
          (Number.isNaN(r.value) ? "" : r.value.toFixed(2)).padStart(11),
          `${r.ratio.toFixed(2)}×`.padStart(9),
          `  ${r.min.toFixed(2)}–${r.max.toFixed(2)}`,
        ].join(" "),
      );
    }
  }
  console.log("\ntelemetry on (no SDK) / off, per scenario (target <= 1.03):");
  for (const [name, ratio] of Object.entries(telemetry))
    console.log(`  ${name.padEnd(20)} ${ratio.toFixed(2)}×`);
  console.log(
    `\n${machine}; ${rounds} rounds${isQuick ? " (quick)" : ""}; medians of per-round ratios.`,
  );
}

const out = `${here}../results`;
mkdirSync(out, { recursive: true });
writeFileSync(`${out}/results.json`, `${JSON.stringify(summary, null, 2)}\n`);
writeFileSync(
  `${out}/ratios.svg`,
  chart(
    report.map(({ scenario, metric, target, rows }) => ({
      scenario: `${scenario} (${metric})`,
      target,
      ratios: rows
        .filter((r) => DRIVERS[r.driver] !== undefined || r.driver === "loom-llm --help")
        .map((r) => ({ driver: r.driver, ratio: r.ratio })),
    })),
    `Cost relative to raw undici (lower is better) — ${stamp}, ${machine}`,
  ),
);
