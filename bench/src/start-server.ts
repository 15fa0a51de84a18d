// The benchmark's fake server (server.ts) in its own process, for run.ts and instructions.ts.
import { spawn } from "node:child_process";

export interface BenchServer {
  /** `http://127.0.0.1:PORT/v1` */
  readonly baseUrl: string;
  stop(): void;
}

/**
 * Starts the server and waits for its port. It is spawned with an IPC channel, which it
 * watches: when the benchmark ends without `stop()` (interrupted, killed), the channel closes
 * and the server exits rather than outliving it.
 */
export async function startServer(): Promise<BenchServer> {
  const server = spawn(process.execPath, [new URL("./server.ts", import.meta.url).pathname], {
    stdio: ["ignore", "pipe", "inherit", "ipc"],
  });
  const out = server.stdout;
  if (out === null) throw new Error("the bench server has no stdout to say its port on");
  const port = await new Promise<string>((resolve) =>
    out.once("data", (data: Buffer) => resolve(data.toString().trim())),
  );
  // Only the IPC channel is left: the benchmark may exit without waiting for the server.
  server.unref();
  server.channel?.unref();
  return { baseUrl: `http://127.0.0.1:${port}/v1`, stop: () => server.kill() };
}
