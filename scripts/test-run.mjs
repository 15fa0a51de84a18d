// `pnpm test`'s test step: every package's tests (turbo run test), then a check that nothing
// they started outlived them. Each process started under the run carries a marker in its
// environment (children inherit it: servers, workers, redis-server, browsers), so a leftover is
// found in /proc however it was started and whoever its parent is now; it is named, killed, and
// the run fails.
import { spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
import { existsSync, readdirSync, readFileSync } from "node:fs";

const MARKER = "LOOM_TEST_RUN";
const run = randomUUID();
const args = ["exec", "turbo", "run", "test", ...process.argv.slice(2)];

const child = spawn("pnpm", args, {
  stdio: "inherit",
  env: { ...process.env, [MARKER]: run },
});
const forward = (signal) => child.kill(signal);
process.on("SIGINT", forward);
process.on("SIGTERM", forward);
const code = await new Promise((resolve) => {
  child.once("exit", (exitCode, signal) => resolve(exitCode ?? (signal ? 1 : 0)));
});

// A process being torn down as the run ends may take a moment to go.
const leftovers = await survivors(2_000);
if (leftovers === undefined) {
  console.log("leftover check skipped: no /proc on this system");
} else if (leftovers.length > 0) {
  console.error(`\n${leftovers.length} process(es) started by the tests outlived them:`);
  for (const { pid, command } of leftovers) {
    console.error(`  ${pid}  ${command}`);
    try {
      process.kill(pid, "SIGKILL");
    } catch {
      // Gone meanwhile.
    }
  }
  console.error(
    "They were killed. A test must end what it starts, even when it fails or times out.",
  );
  process.exit(code === 0 ? 1 : code);
} else {
  console.log("leftover check: nothing the tests started outlived them");
}
process.exit(code);

/** Processes still carrying this run's marker after waiting up to `graceMs` for them to end. */
async function survivors(graceMs) {
  if (!existsSync("/proc/self/environ")) return undefined;
  const until = Date.now() + graceMs;
  for (;;) {
    const found = marked();
    if (found.length === 0 || Date.now() >= until) return found;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

function marked() {
  const needle = `${MARKER}=${run}`;
  const found = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    try {
      const environ = readFileSync(`/proc/${entry}/environ`, "latin1");
      if (!environ.split("\0").includes(needle)) continue;
      // A zombie has ended; only its parent has yet to read its status.
      const state = readFileSync(`/proc/${entry}/stat`, "latin1").split(") ")[1]?.[0];
      if (state === "Z") continue;
      const command = readFileSync(`/proc/${entry}/cmdline`, "latin1").split("\0").join(" ").trim();
      found.push({ pid: Number(entry), command: command.slice(0, 200) });
    } catch {
      // Ended while being read, or not ours to read.
    }
  }
  return found;
}
