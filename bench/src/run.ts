// pnpm bench [--quick] [--json] [--only=scenario,bun,deno:call-seq,...]
// Each client runs each scenario in its own fresh process against a server in another;
// rounds alternate the client order, and each figure is the median over rounds of the ratio
// to the floor measured in the same round, with the range of those ratios beside it. The
// floor is raw undici on Node; on Bun and Deno, the runtime's own fetch.
import { execFile } from "node:child_process";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { cpus } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { chart } from "./chart.ts";
import type { Measurement } from "./child.ts";
import { DRIVERS } from "./drivers/index.ts";
import { median } from "./median.ts";
import { plainJavaScript } from "./plain-js.ts";
import { type Command, RUNTIMES } from "./runtimes.ts";
import { type Metric, SCENARIOS, type Scenario, type ScenarioName } from "./scenarios.ts";
import { startServer } from "./start-server.ts";

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
/** Where cold.ts and import.ts run from, as JavaScript (see plain-js.ts). */
const js = plainJavaScript(here, join(here, "..", "node_modules", ".cache", "loom-bench-js"));
const NODE: Command = { file: process.execPath, args: [], env: {}, version: "" };

/** One table: a scenario on a runtime, each of its clients in a fresh process each round. */
interface Bench {
  /** What its figures are reported under: the scenario's name, `bun: call-seq` on another runtime. */
  name: string;
  scenario: Scenario;
  command: Command;
  drivers: readonly string[];
  /** The client each round's ratios divide by. */
  floor: string;
  metrics: Scenario["metrics"];
}

/** The modules the `import` scenario imports, the floor's first. */
const IMPORTS = ["undici", "@loom/llm"];
const benches: Bench[] = SCENARIOS.filter((s) => only === undefined || only.includes(s.name)).map(
  (scenario) => ({
    name: scenario.name,
    scenario,
    command: NODE,
    drivers: scenario.kind === "import" ? IMPORTS : Object.keys(DRIVERS),
    floor: scenario.kind === "import" ? "undici" : "raw-undici",
    metrics: scenario.metrics,
  }),
);

/**
 * Bun and Deno: the call and stream scenarios with the runtime's own fetch (parsed by hand, as
 * the floor parses) as the floor, against Loom on its fetch transport (their export condition).
 * CPU only: per-process CPU as the runtime's `process.cpuUsage()` gives it, every thread of it.
 */
const ON_RUNTIMES: readonly ScenarioName[] = [
  "call-seq",
  "call-par",
  "stream-1000",
  "tools-200",
  "stream-1000-batched",
  "tools-200-batched",
  "stream-1000-chunked",
  "tools-200-chunked",
];
const RUNTIME_TARGET = 1.15;
const runtimeVersions: string[] = [];
const skipped: Record<string, string> = {};
for (const runtime of RUNTIMES) {
  const wanted = SCENARIOS.filter(
    (s) =>
      ON_RUNTIMES.includes(s.name) &&
      (only === undefined ||
        only.includes(runtime.name) ||
        only.includes(`${runtime.name}:${s.name}`)),
  );
  if (wanted.length === 0) continue;
  const command = runtime.command();
  if (typeof command === "string") {
    // Not a failure: the Node figures stand without it (one line with the table says why).
    skipped[runtime.name] = command;
    continue;
  }
  runtimeVersions.push(command.version);
  for (const scenario of wanted)
    benches.push({
      name: `${runtime.name}: ${scenario.name}`,
      scenario,
      command,
      drivers: ["fetch", "loom"],
      floor: "fetch",
      metrics: [{ metric: "cpu", target: RUNTIME_TARGET }],
    });
}

const server = await startServer();
const baseUrl = server.baseUrl;

/** Wall time of a whole Node process, spawn to exit, milliseconds, and what it printed. */
async function processMs(command: string[]): Promise<{ ms: number; stdout: string }> {
  const started = performance.now();
  const { stdout } = await run(process.execPath, command, { maxBuffer: 1 << 20 });
  return { ms: performance.now() - started, stdout };
}

/**
 * A scenario timed per process (cold start, import): `ops` fresh processes per client, the
 * clients taken in turn process by process (so a busy moment of the machine falls on all of
 * them, not on one client's whole series), the median of each client's wall times and, for the
 * import, of the import's own time inside each process.
 */
async function perProcess(scenario: Scenario, order: readonly string[]): Promise<Measurement[]> {
  const walls = new Map<string, number[]>(order.map((d) => [d, []]));
  const imports = new Map<string, number[]>(order.map((d) => [d, []]));
  for (let i = 0; i < scenario.ops; i++) {
    for (const driver of order) {
      if (scenario.kind === "cold") {
        walls.get(driver)?.push((await processMs([join(js, "cold.mjs"), driver, baseUrl])).ms);
      } else {
        const { ms, stdout } = await processMs([join(js, "import.mjs"), driver]);
        walls.get(driver)?.push(ms);
        imports.get(driver)?.push((JSON.parse(stdout.trim()) as { importMs: number }).importMs);
      }
    }
  }
  return order.map((driver): Measurement => {
    const wallMs = median(walls.get(driver) ?? []);
    const measurement: Measurement = {
      driver,
      scenario: scenario.name,
      ops: scenario.ops,
      wallUs: wallMs * 1000,
      cpuUs: Number.NaN,
      opsPerSecond: 1000 / wallMs,
      peakRssMiB: Number.NaN,
      peakHeapMiB: Number.NaN,
    };
    if (scenario.kind === "import") measurement.importMs = median(imports.get(driver) ?? []);
    return measurement;
  });
}

/** One client's run of a scenario in a fresh child process, on the bench's runtime. */
async function child(bench: Bench, driver: string): Promise<Measurement> {
  const { command, scenario } = bench;
  const flags = scenario.kind === "fleet" ? ["--expose-gc"] : [];
  const { stdout } = await run(
    command.file,
    [
      ...command.args,
      ...flags,
      `${here}child.ts`,
      driver,
      scenario.name,
      baseUrl,
      isQuick ? "quick" : "full",
    ],
    // Deno finds the node_modules it reads (--node-modules-dir=manual) from where it runs.
    { maxBuffer: 1 << 20, cwd: `${here}..`, env: { ...process.env, ...command.env } },
  );
  return JSON.parse(stdout.trim().split("\n").at(-1) ?? "{}") as Measurement;
}

/**
 * The machine's own noise (machine-noise.ts): fixed work timed in consecutive windows. A
 * scenario's per-round range cannot be narrower than this spread.
 */
async function machineNoise(): Promise<{ medianMs: number; minMs: number; maxMs: number }> {
  const { stdout } = await run(process.execPath, [`${here}machine-noise.ts`], {
    maxBuffer: 1 << 20,
  });
  const { windows } = JSON.parse(stdout.trim()) as { windows: number[] };
  return { medianMs: median(windows), minMs: Math.min(...windows), maxMs: Math.max(...windows) };
}
const noise = await machineNoise();

const results: Record<string, Record<string, Measurement[]>> = {};
/** Keeps a measurement under its bench and client, and says so on stderr. */
function record(bench: Bench, round: number, measurement: Measurement): void {
  const byDriver = results[bench.name] ?? {};
  results[bench.name] = byDriver;
  byDriver[measurement.driver] = [...(byDriver[measurement.driver] ?? []), measurement];
  if (asJson) return;
  const { kind, unit } = bench.scenario;
  const figure =
    kind === "cold" || kind === "import"
      ? `${(measurement.wallUs / 1000).toFixed(2)} ms wall/${unit}`
      : `${measurement.cpuUs.toFixed(2)} µs CPU/${unit}`;
  const imported =
    measurement.importMs === undefined ? "" : `, import() ${measurement.importMs.toFixed(2)} ms`;
  process.stderr.write(
    `round ${round + 1}/${rounds} ${bench.name} ${measurement.driver}: ${figure}${imported}\n`,
  );
}
/** `loom-llm --help` and `node -e 0`, per round: medians of 10 processes each. */
const cliRounds: { help: number; node: number }[] = [];
try {
  for (let round = 0; round < rounds; round++) {
    for (const bench of benches) {
      const { scenario, drivers } = bench;
      // Alternate the order each round: no client always runs on a warmer or cooler machine.
      const order = round % 2 === 0 ? drivers : [...drivers].reverse();
      if (scenario.kind === "cold" || scenario.kind === "import") {
        for (const measurement of await perProcess(scenario, order))
          record(bench, round, measurement);
      } else {
        for (const driver of order) record(bench, round, await child(bench, driver));
      }
    }
    if (only === undefined || only.includes("cli-help")) {
      const help: number[] = [];
      const node: number[] = [];
      for (let i = 0; i < (isQuick ? 3 : 10); i++) {
        node.push((await processMs(["-e", "0"])).ms);
        help.push((await processMs([cli, "--help"])).ms);
      }
      cliRounds.push({ help: median(help), node: median(node) });
    }
  }
} finally {
  server.stop();
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
    case "make-client":
      return m.makeClientUs ?? Number.NaN;
    case "import":
      return m.importMs ?? Number.NaN;
  }
}

const UNITS: Record<Metric, string> = {
  cpu: "µs CPU",
  wall: "µs wall",
  rss: "MiB peak RSS",
  ttfc: "ms to first chunk",
  "heap-per-client": "KiB heap held per client",
  "make-client": "µs CPU to make a client",
  import: "ms in import() inside the process",
};

interface Row {
  driver: string;
  /** The metric's own figure (median over rounds). */
  value: number;
  /** Median over rounds of the per-round ratio to the floor, and its range. */
  ratio: number;
  min: number;
  max: number;
}
interface Entry {
  scenario: string;
  metric: Metric;
  unit: string;
  target: number | undefined;
  about: string;
  rows: Row[];
}
const report: Entry[] = [];
for (const { name, scenario, drivers, floor: floorDriver, metrics, command } of benches) {
  const byDriver = results[name] ?? {};
  const floor = byDriver[floorDriver] ?? [];
  for (const { metric, target } of metrics) {
    // A whole process's wall time reads better in milliseconds.
    const inMs = metric === "wall" && scenario.unit === "process";
    const rows = drivers.map((driver): Row => {
      const runs = byDriver[driver] ?? [];
      const ratios = runs.map((m, i) => figure(m, metric) / figure(floor[i], metric));
      return {
        driver,
        value: median(runs.map((m) => figure(m, metric))) / (inMs ? 1000 : 1),
        ratio: median(ratios),
        min: Math.min(...ratios),
        max: Math.max(...ratios),
      };
    });
    report.push({
      scenario: name,
      metric,
      // Time to first chunk is per stream, heap per client, whatever the scenario counts.
      unit: `${inMs ? "ms wall" : UNITS[metric]}${
        metric === "ttfc"
          ? " per stream"
          : metric === "heap-per-client" || metric === "make-client" || metric === "import"
            ? ""
            : ` per ${scenario.unit}`
      }`,
      target,
      about:
        command === NODE
          ? scenario.about
          : `${scenario.about}; on ${command.version}, against its own fetch`,
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
for (const { name, scenario, drivers } of benches) {
  if (!drivers.includes("loom (no telemetry)")) continue;
  const on = results[name]?.loom ?? [];
  const off = results[name]?.["loom (no telemetry)"] ?? [];
  const metric = scenario.metrics[0]?.metric ?? "cpu";
  telemetry[name] = median(on.map((m, i) => figure(m, metric) / figure(off[i], metric)));
}

const nodeMachine = `${cpus().length} × ${cpus()[0]?.model ?? "cpu"}, Node ${process.versions.node}`;
const machine = [nodeMachine, ...runtimeVersions].join(", ");
const stamp = new Date().toISOString().slice(0, 10);
const summary = {
  date: stamp,
  machine,
  noise,
  rounds,
  quick: isQuick,
  report,
  telemetry,
  skipped,
};
if (asJson) {
  process.stdout.write(`${JSON.stringify(summary, null, 2)}\n`);
} else {
  for (const { scenario, metric, unit, target, about, rows } of report) {
    console.log(
      `\n${scenario}, ${metric} (${unit}${target === undefined ? "" : `; target <= ${target}`}): ${about}`,
    );
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
  if (Object.keys(telemetry).length > 0) {
    console.log("\ntelemetry on (no SDK) / off, per scenario (target <= 1.03):");
    for (const [name, ratio] of Object.entries(telemetry))
      console.log(`  ${name.padEnd(20)} ${ratio.toFixed(2)}×`);
  }
  for (const [name, why] of Object.entries(skipped)) console.log(`\n${name}: not run: ${why}`);
  console.log(
    `\nmachine noise: the same work timed in 12 windows took ${noise.minMs.toFixed(0)}–${noise.maxMs.toFixed(0)} ms of CPU (median ${noise.medianMs.toFixed(0)}; ${(noise.minMs / noise.medianMs).toFixed(2)}–${(noise.maxMs / noise.medianMs).toFixed(2)} of it): no range above is narrower than the machine.`,
  );
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
        .filter((r) => r.driver !== "node -e 0")
        .map((r) => ({ driver: r.driver, ratio: r.ratio })),
    })),
    `Cost relative to the floor (lower is better) — ${stamp}, ${nodeMachine}`,
    runtimeVersions.length === 0
      ? "raw undici"
      : `raw undici; on ${runtimeVersions.join(" and ")}, their fetch`,
  ),
);
