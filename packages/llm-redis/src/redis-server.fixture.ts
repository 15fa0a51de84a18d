// A real redis-server for this package's tests: on a free loopback port, in a temporary
// directory, nothing persisted; killed and restarted on the same port to test outages.
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** Whether a `redis-server` can be run here (`.ci/setup.sh` installs one where it may). */
export const hasRedis: boolean = (() => {
  try {
    execFileSync("redis-server", ["--version"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
})();

if (!hasRedis)
  console.log(
    "redis tests skipped: no redis-server on PATH (apt-get install redis-server, as .ci/setup.sh does when it runs as root)",
  );

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** A running redis-server. */
export interface TestRedis {
  readonly url: string;
  readonly port: number;
  /** SIGKILL: an outage, not a shutdown. */
  kill(): Promise<void>;
  /** A fresh server on the same port (empty, as after a crash without persistence). */
  restart(): Promise<void>;
  /**
   * SIGSTOP: the server answers nothing and keeps its connections open (a hung host);
   * `resume()` (SIGCONT) lets it answer what it was sent meanwhile. `stop()` resumes it first.
   */
  pause(): void;
  resume(): void;
  stop(): Promise<void>;
}

/** `args`: more redis-server options (`--requirepass`, `--cluster-enabled yes`). */
export async function startRedis(args: readonly string[] = []): Promise<TestRedis> {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), "loom-redis-"));
  let child: ChildProcess | undefined;
  const start = async () => {
    child = spawn(
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
        ...args,
      ],
      { stdio: ["ignore", "pipe", "inherit"] },
    );
    // Ready once it says it accepts connections.
    await new Promise<void>((resolve, reject) => {
      let seen = "";
      const timer = setTimeout(
        () => reject(new Error(`redis-server did not start: ${seen}`)),
        10_000,
      );
      child?.stdout?.on("data", (data: Buffer) => {
        seen += data.toString();
        if (seen.includes("Ready to accept connections")) {
          clearTimeout(timer);
          resolve();
        }
      });
      child?.once("exit", (code) => {
        clearTimeout(timer);
        reject(new Error(`redis-server exited (${code}): ${seen}`));
      });
    });
  };
  const kill = async () => {
    const running = child;
    child = undefined;
    if (running === undefined || running.exitCode !== null) return;
    running.kill("SIGCONT");
    await new Promise<void>((resolve) => {
      running.once("exit", () => resolve());
      running.kill("SIGKILL");
    });
  };
  await start();
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    kill,
    restart: async () => {
      await kill();
      await start();
    },
    pause: () => void child?.kill("SIGSTOP"),
    resume: () => void child?.kill("SIGCONT"),
    stop: async () => {
      await kill();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
