// Soak: 100 000 calls and 10 000 streams through one provider in one process, against the fake
// server, reporting heap growth and sockets left open. Not part of `pnpm test`; run `pnpm soak`.
// Options: CALLS=100000 STREAMS=10000 CONCURRENCY=64.
import { ChatClient } from "@loom/llm-core";
import { completionBody, completionChunk, createFakeServer } from "@loom/llm-testing";

const CALLS = Number(process.env.CALLS ?? 100_000);
const STREAMS = Number(process.env.STREAMS ?? 10_000);
const CONCURRENCY = Number(process.env.CONCURRENCY ?? 64);
const gc = (globalThis as { gc?: () => void }).gc;
if (gc === undefined) console.warn("run with --expose-gc for exact heap figures (pnpm soak does)");

const mib = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
function heap(): number {
  server.reset();
  gc?.();
  return process.memoryUsage().heapUsed;
}

/** Runs `total` tasks, `CONCURRENCY` at a time. */
async function pool(total: number, task: (i: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < total) await task(next++);
    }),
  );
}

const chunks = Array.from({ length: 20 }, (_, i) => completionChunk({ content: `w${i} ` }));
const server = await createFakeServer({
  fallback: (request) =>
    (request.body as { stream?: boolean }).stream
      ? { type: "sse", events: [...chunks, completionChunk({}, { finishReason: "stop" })] }
      : { type: "json", body: completionBody({ content: "ok" }) },
});
// The recorder keeps every request: forget them as we go, or the soak measures the fake server.
setInterval(() => server.reset(), 1_000).unref();
const llm = new ChatClient(
  {},
  { baseUrl: server.baseUrl, model: "soak", maxConnections: CONCURRENCY },
);
const messages = [{ role: "user" as const, content: "soak" }];

const start = heap();
let failures = 0;
let t0 = performance.now();
await pool(CALLS, async () => {
  const res = await llm.call({ messages }).catch(() => undefined);
  if (res?.content !== "ok") failures++;
});
const callSeconds = (performance.now() - t0) / 1_000;
const afterCalls = heap();

t0 = performance.now();
await pool(STREAMS, async (i) => {
  let text = "";
  const stream = llm.stream({ messages });
  try {
    // Every tenth stream is left early, as agents do when they have what they need.
    for await (const piece of stream) {
      text += piece;
      if (i % 10 === 0 && text.length > 10) break;
    }
  } catch {
    failures++;
  }
});
const streamSeconds = (performance.now() - t0) / 1_000;
const afterStreams = heap();
const socketsBeforeClose = server.openConnections;
await llm.close();
await new Promise((resolve) => setTimeout(resolve, 100));
const socketsAfterClose = server.openConnections;
await server.close();

console.log(
  `calls:   ${CALLS} in ${callSeconds.toFixed(1)} s (${Math.round(CALLS / callSeconds)}/s)`,
);
console.log(
  `streams: ${STREAMS} in ${streamSeconds.toFixed(1)} s (${Math.round(STREAMS / streamSeconds)}/s), 20 chunks each, 1 in 10 left early`,
);
console.log(`failures: ${failures}`);
console.log(
  `heap: start ${mib(start)}, after calls ${mib(afterCalls)} (${mib(afterCalls - start)}), after streams ${mib(afterStreams)} (${mib(afterStreams - start)})`,
);
console.log(
  `server sockets: ${server.connectionCount} opened, ${socketsBeforeClose} open before close() (pool ${CONCURRENCY}), ${socketsAfterClose} after`,
);
if (failures > 0 || socketsAfterClose > 0) process.exitCode = 1;
