// pnpm bench [--quick] [--json] [--only=scenario,...]
// Each client runs each scenario in its own fresh process against a server in another;
// rounds alternate the client order, and each figure is the median over rounds of the ratio
// to raw undici measured in the same round.
import { execFile, spawn } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { cpus } from "node:os";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { chart } from "./chart.ts";
import type { Measurement } from "./child.ts";
import { DRIVERS } from "./drivers/index.ts";
import { SCENARIOS } from "./scenarios.ts";

const run = promisify(execFile);
const args = process.argv.slice(2);
const isQuick = args.includes("--quick");
const asJson = args.includes("--json");
const only = args
  .find((a) => a.startsWith("--only="))
  ?.slice(7)
  .split(",");
const rounds = isQuick ? 2 : 5;
const here = fileURLToPath(new URL(".", import.meta.url));
const scenarios = SCENARIOS.filter((s) => only === undefined || only.includes(s.name));
const drivers = Object.keys(DRIVERS);

// CPU per op for timing scenarios; peak RSS for the memory one.
const TARGETS: Record<string, number> = {
  "call-seq": 1.2,
  "call-par": 1.2,
  "stream-1000": 1.2,
  "tools-200": 1.3,
  "mem-par-streams": 1.15,
};

const server = spawn(process.execPath, [`${here}server.ts`], {
  stdio: ["ignore", "pipe", "inherit"],
});
const port = await new Promise<string>((resolve) =>
  server.stdout.once("data", (data: Buffer) => resolve(data.toString().trim())),
);
const baseUrl = `http://127.0.0.1:${port}/v1`;

const results: Record<string, Record<string, Measurement[]>> = {};
try {
  for (let round = 0; round < rounds; round++) {
    for (const scenario of scenarios) {
      // Alternate the order each round: no client always runs on a warmer or cooler machine.
      const order = round % 2 === 0 ? drivers : [...drivers].reverse();
      for (const driver of order) {
        const { stdout } = await run(
          process.execPath,
          [`${here}child.ts`, driver, scenario.name, baseUrl, isQuick ? "quick" : "full"],
          { maxBuffer: 1 << 20 },
        );
        const measurement = JSON.parse(stdout.trim().split("\n").at(-1) ?? "{}") as Measurement;
        const byDriver = results[scenario.name] ?? {};
        results[scenario.name] = byDriver;
        byDriver[driver] = [...(byDriver[driver] ?? []), measurement];
        if (!asJson)
          process.stderr.write(
            `round ${round + 1}/${rounds} ${scenario.name} ${driver}: ${measurement.cpuUs.toFixed(2)} µs CPU/op\n`,
          );
      }
    }
  }
} finally {
  server.kill();
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
};

interface Row {
  driver: string;
  wallUs: number;
  cpuUs: number;
  opsPerSecond: number;
  peakRssMiB: number;
  peakHeapMiB: number;
  ttfcMs: number | undefined;
  ratio: number;
}
const report: Record<
  string,
  { unit: string; metric: string; target: number | undefined; rows: Row[] }
> = {};
for (const scenario of scenarios) {
  const byDriver = results[scenario.name] ?? {};
  const floor = byDriver["raw-undici"] ?? [];
  const memory = scenario.name === "mem-par-streams";
  const rows = drivers.map((driver): Row => {
    const runs = byDriver[driver] ?? [];
    const ratios = runs.map((m, i) =>
      memory ? m.peakRssMiB / (floor[i]?.peakRssMiB ?? 1) : m.cpuUs / (floor[i]?.cpuUs ?? 1),
    );
    const ttfc = runs.map((m) => m.ttfcMs).filter((v): v is number => v !== undefined);
    return {
      driver,
      wallUs: median(runs.map((m) => m.wallUs)),
      cpuUs: median(runs.map((m) => m.cpuUs)),
      opsPerSecond: median(runs.map((m) => m.opsPerSecond)),
      peakRssMiB: median(runs.map((m) => m.peakRssMiB)),
      peakHeapMiB: median(runs.map((m) => m.peakHeapMiB)),
      ttfcMs: ttfc.length > 0 ? median(ttfc) : undefined,
      ratio: median(ratios),
    };
  });
  report[scenario.name] = {
    unit: scenario.unit,
    metric: memory ? "peak RSS" : "CPU per op",
    target: TARGETS[scenario.name],
    rows,
  };
}

// Telemetry on (no SDK registered) against off, per round: the cost of tracing nobody reads.
const telemetry: Record<string, number> = {};
for (const scenario of scenarios) {
  const on = results[scenario.name]?.loom ?? [];
  const off = results[scenario.name]?.["loom (no telemetry)"] ?? [];
  const memory = scenario.name === "mem-par-streams";
  telemetry[scenario.name] = median(
    on.map((m, i) =>
      memory ? m.peakRssMiB / (off[i]?.peakRssMiB ?? 1) : m.cpuUs / (off[i]?.cpuUs ?? 1),
    ),
  );
}

const machine = `${cpus().length} × ${cpus()[0]?.model ?? "cpu"}, Node ${process.versions.node}`;
const stamp = new Date().toISOString().slice(0, 10);
if (asJson) {
  process.stdout.write(
    `${JSON.stringify({ date: stamp, machine, rounds, quick: isQuick, report, telemetry }, null, 2)}\n`,
  );
} else {
  for (const [name, { unit, metric, target, rows }] of Object.entries(report)) {
    console.log(
      `\n${name} (per ${unit}; ratio = ${metric} / raw-undici's${target ? `, target <= ${target}` : ""})`,
    );
    console.log(
      "client                 wall µs    CPU µs      ops/s  RSS MiB  heap MiB  TTFC ms   ratio",
    );
    for (const r of rows) {
      console.log(
        [
          r.driver.padEnd(20),
          r.wallUs.toFixed(2).padStart(9),
          r.cpuUs.toFixed(2).padStart(9),
          Math.round(r.opsPerSecond).toString().padStart(10),
          r.peakRssMiB.toFixed(0).padStart(8),
          r.peakHeapMiB.toFixed(1).padStart(9),
          (r.ttfcMs === undefined ? "" : r.ttfcMs.toFixed(2)).padStart(8),
          `${r.ratio.toFixed(2)}×`.padStart(7),
        ].join(" "),
      );
    }
  }
  console.log("\ntelemetry on (no SDK) / off, per scenario (target <= 1.03):");
  for (const [name, ratio] of Object.entries(telemetry))
    console.log(`  ${name.padEnd(16)} ${ratio.toFixed(2)}×`);
  console.log(
    `\n${machine}; ${rounds} rounds${isQuick ? " (quick)" : ""}; medians of per-round ratios.`,
  );
}

const out = `${here}../results`;
mkdirSync(out, { recursive: true });
writeFileSync(
  `${out}/results.json`,
  `${JSON.stringify({ date: stamp, machine, rounds, quick: isQuick, report, telemetry }, null, 2)}\n`,
);
writeFileSync(
  `${out}/ratios.svg`,
  chart(
    Object.entries(report).map(([scenario, { target, rows }]) => ({
      scenario,
      target,
      ratios: rows.map((r) => ({ driver: r.driver, ratio: r.ratio })),
    })),
    `Cost relative to raw undici (lower is better) — ${stamp}, ${machine}`,
  ),
);
