// The whole `pnpm test`, several times in a row, with busy processes beside it: what the suite
// meets on a shared 2-core machine. Every test that measures time must hold here.
//   node scripts/test-under-load.mjs [--runs=3] [--busy=2]
// Stops at the first red run. The busy loops end with this script, however it ends.
import { spawn, spawnSync } from "node:child_process";

const option = (name, fallback) =>
  Number(process.argv.find((a) => a.startsWith(`--${name}=`))?.split("=")[1] ?? fallback);
const runs = option("runs", 3);
const busy = option("busy", 2);

const loops = Array.from({ length: busy }, () =>
  spawn(process.execPath, ["-e", "for (;;) {}"], { stdio: "ignore" }),
);
const stop = () => {
  for (const loop of loops) loop.kill("SIGKILL");
};
process.on("exit", stop);
for (const signal of ["SIGINT", "SIGTERM"]) process.on(signal, () => process.exit(130));

for (let i = 1; i <= runs; i++) {
  const started = Date.now();
  // Turbo's cache would replay a green run instead of running it.
  const result = spawnSync("pnpm", ["test", "--force"], { stdio: "inherit" });
  const seconds = Math.round((Date.now() - started) / 1000);
  console.log(
    `\nloaded run ${i} of ${runs} (${busy} busy processes beside it): ${result.status === 0 ? "green" : "red"} in ${seconds} s`,
  );
  if (result.status !== 0) process.exit(1);
}
console.log(`${runs} loaded runs in a row: green`);
