// pnpm bench:instructions [--quick] [--only=call-seq,stream-1000]
// The work a client does per operation counted in instructions instead of timed: each client's
// child process (child.ts, as `pnpm bench` runs it) runs under Valgrind's cachegrind twice, with
// the scenario's measured operations and with twice as many, and the difference, divided by
// the operations between them, is what one operation costs once start-up, loading, the warm-up
// and the JIT's first compilations are paid. Every thread is counted (the JIT's compiler and
// the GC's helpers too); the kernel is not, so a socket's system calls, the same for every
// client, drop out and the ratios are stricter than CPU's.
//
// Why: on a shared machine the same fixed work takes 0.6 to 1.4 times its median CPU time
// from one window to the next (machine-noise.ts), so CPU ratios move by ±0.3 between rounds
// and a regression of 10% is lost in them. Instruction counts do not depend on what else the
// machine runs as time does, though not wholly: timers run by the wall clock. V8 runs
// single-threaded and on a fixed GC schedule for them (below): without that, the count of one
// and the same run moved by about 5%.
import { execFile, execFileSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { median } from "./median.ts";
import { quick, SCENARIOS } from "./scenarios.ts";
import { startServer } from "./start-server.ts";

const run = promisify(execFile);
const args = process.argv.slice(2);
const isQuick = args.includes("--quick");
const only = args
  .find((a) => a.startsWith("--only="))
  ?.slice(7)
  .split(",");
const rounds = isQuick ? 1 : 3;
const here = fileURLToPath(new URL(".", import.meta.url));
/** The floor, then the client it is the floor of. */
const DRIVERS = ["raw-undici", "loom"] as const;

let valgrind: string;
try {
  valgrind = execFileSync("valgrind", ["--version"], { encoding: "utf8" }).trim();
} catch {
  // Not a failure: `pnpm bench` times the same scenarios without it.
  console.log("bench:instructions: not run: valgrind is not installed (apt-get install valgrind)");
  process.exit(0);
}

// Timed per process (cold start, import), they have no operations to take a difference of.
const scenarios = SCENARIOS.filter(
  (s) => s.kind !== "cold" && s.kind !== "import" && (only === undefined || only.includes(s.name)),
);

/** Instructions the whole process executed (user space, every thread), as cachegrind counts. */
async function instructions(driver: string, scenario: string, mode: string): Promise<number> {
  const { stderr } = await run(
    "valgrind",
    [
      "--tool=cachegrind",
      "--cache-sim=no",
      "--cachegrind-out-file=/dev/null",
      // The JIT writes the code it then runs: Valgrind must retranslate it.
      "--smc-check=all-non-file",
      process.execPath,
      // V8 compiles and collects garbage on the main thread, and sizes its heap by a fixed
      // schedule rather than by the allocation rate per millisecond (which Valgrind's slowness
      // skews): the same work, counted alike. Without them one and the same run's count moved
      // by about 5% (the floor's call: 210–248 thousand instructions); with them, by 0.15%.
      "--single-threaded",
      "--predictable-gc-schedule",
      ...(scenario === "fleet-1000" ? ["--expose-gc"] : []),
      `${here}child.ts`,
      driver,
      scenario,
      baseUrl,
      mode,
    ],
    { maxBuffer: 1 << 24, cwd: `${here}..` },
  );
  const refs = /I\s+refs:\s+([\d,]+)/.exec(stderr)?.[1];
  if (refs === undefined) throw new Error(`no instruction count from valgrind:\n${stderr}`);
  return Number(refs.replaceAll(",", ""));
}

const server = await startServer();
const baseUrl = server.baseUrl;

interface Row {
  driver: string;
  /** Median over rounds, instructions per call, chunk or step. */
  perUnit: number;
  ratio: number;
  min: number;
  max: number;
}
const report: { scenario: string; unit: string; target: number | undefined; rows: Row[] }[] = [];
try {
  for (const found of scenarios) {
    const scenario = isQuick ? quick(found) : found;
    const size = isQuick ? "quick" : "full";
    const units =
      scenario.ops * (scenario.unit === "chunk" || scenario.unit === "step" ? scenario.chunks : 1);
    const perUnit = new Map<string, number[]>(DRIVERS.map((d) => [d, []]));
    for (let round = 0; round < rounds; round++) {
      // One run at a time, the order alternating each round: run side by side, four at once on
      // two cores, the same run's count moved by 5% again (a slower wall clock runs more of
      // undici's and Node's timers per call).
      for (const driver of round % 2 === 0 ? DRIVERS : [...DRIVERS].reverse()) {
        const once = await instructions(driver, scenario.name, `${size}:ops=${scenario.ops}`);
        const twice = await instructions(driver, scenario.name, `${size}:ops=${2 * scenario.ops}`);
        const value = (twice - once) / units;
        perUnit.get(driver)?.push(value);
        process.stderr.write(
          `round ${round + 1}/${rounds} ${scenario.name} ${driver}: ${value.toFixed(0)} instructions/${scenario.unit}\n`,
        );
      }
    }
    const floor = perUnit.get(DRIVERS[0]) ?? [];
    report.push({
      scenario: scenario.name,
      unit: scenario.unit,
      target: scenario.metrics.find((m) => m.metric === "cpu")?.target,
      rows: DRIVERS.map((driver): Row => {
        const values = perUnit.get(driver) ?? [];
        const ratios = values.map((v, i) => v / (floor[i] ?? Number.NaN));
        return {
          driver,
          perUnit: median(values),
          ratio: median(ratios),
          min: Math.min(...ratios),
          max: Math.max(...ratios),
        };
      }),
    });
  }
} finally {
  server.stop();
}

for (const { scenario, unit, target, rows } of report) {
  console.log(
    `\n${scenario}, instructions per ${unit}${target === undefined ? "" : ` (CPU target <= ${target})`}`,
  );
  console.log("client                 instructions     ratio   range (per round)");
  for (const r of rows)
    console.log(
      [
        r.driver.padEnd(22),
        r.perUnit.toFixed(0).padStart(12),
        `${r.ratio.toFixed(3)}×`.padStart(9),
        `  ${r.min.toFixed(3)}–${r.max.toFixed(3)}`,
      ].join(" "),
    );
}
const machine = `${valgrind}, Node ${process.versions.node}`;
console.log(
  `\n${machine}; ${rounds} rounds${isQuick ? " (quick)" : ""}; medians of per-round ratios.`,
);
const out = `${here}../results`;
mkdirSync(out, { recursive: true });
writeFileSync(
  `${out}/instructions.json`,
  `${JSON.stringify({ date: new Date().toISOString().slice(0, 10), machine, rounds, quick: isQuick, report }, null, 2)}\n`,
);
