// What each scenario asks of a client, and what the server answers: one place for both.
import { AGENT_STEPS } from "./drivers/driver.ts";

export { AGENT_STEPS };

export type ScenarioName =
  | "call-seq"
  | "call-par"
  | "stream-1000"
  | "tools-200"
  | "stream-1000-batched"
  | "tools-200-batched"
  | "stream-1000-chunked"
  | "tools-200-chunked"
  | "par-500-streams"
  | "agent-loop"
  | "fleet-1000"
  | "cold-start"
  | "import";

/**
 * What a scenario's ratio divides: CPU per op, wall time per op, peak RSS, time to first chunk,
 * heap per client, the CPU to make a client, the time an `import()` took inside its process.
 */
export type Metric = "cpu" | "wall" | "rss" | "ttfc" | "heap-per-client" | "make-client" | "import";

export interface Scenario {
  name: ScenarioName;
  /** The `model` the request names: the server answers by it. */
  model: string;
  kind: "call" | "stream" | "tools" | "agent" | "fleet" | "cold" | "import";
  /** Operations measured (calls, streams, agent runs). */
  ops: number;
  /** Operations run first, untimed, for the JIT. */
  warmup: number;
  /** In flight at once. */
  concurrency: number;
  /** Chunks per stream, or steps per agent run (per-unit figures divide by ops × this). */
  chunks: number;
  /** What the table reports per op. */
  unit: "call" | "chunk" | "stream" | "step" | "process";
  /** The ratios reported, the first being the headline; each has its target, or none. */
  metrics: readonly { metric: Metric; target?: number }[];
  /** What the scenario stands for, printed under its table. */
  about: string;
}

/** Clients in the fleet scenario. */
export const FLEET_SIZE = 1_000;

export const SCENARIOS: readonly Scenario[] = [
  {
    name: "stream-1000",
    model: "stream-1000",
    kind: "stream",
    ops: 40,
    warmup: 20,
    concurrency: 1,
    chunks: 1_000,
    unit: "chunk",
    metrics: [
      { metric: "cpu", target: 1.1 },
      { metric: "ttfc", target: 1.1 },
    ],
    about: "a 1 000-token stream, one SSE event per write as servers flush tokens",
  },
  {
    name: "tools-200",
    model: "tools-200",
    kind: "tools",
    ops: 150,
    warmup: 50,
    concurrency: 1,
    chunks: 200,
    unit: "chunk",
    metrics: [{ metric: "cpu", target: 1.2 }],
    about: "a tool call streamed in 200 argument pieces, one event per write",
  },
  {
    name: "par-500-streams",
    model: "slow-stream",
    kind: "stream",
    ops: 500,
    warmup: 0,
    concurrency: 500,
    chunks: 20,
    unit: "stream",
    metrics: [
      { metric: "wall", target: 1.1 },
      { metric: "cpu", target: 1.15 },
      { metric: "rss", target: 1.1 },
    ],
    about: "500 agents streaming at once, 20 tokens 50 ms apart each, default client settings",
  },
  {
    name: "call-seq",
    model: "call",
    kind: "call",
    ops: 3_000,
    warmup: 1_500,
    concurrency: 1,
    chunks: 1,
    unit: "call",
    metrics: [{ metric: "cpu", target: 1.1 }],
    about: "one call after another",
  },
  {
    name: "call-par",
    model: "call",
    kind: "call",
    ops: 10_000,
    warmup: 2_000,
    concurrency: 64,
    chunks: 1,
    unit: "call",
    metrics: [{ metric: "cpu", target: 1.1 }],
    about: "10 000 calls, 64 in flight",
  },
  {
    name: "agent-loop",
    model: "agent",
    kind: "agent",
    ops: 150,
    warmup: 50,
    concurrency: 1,
    chunks: AGENT_STEPS,
    unit: "step",
    metrics: [{ metric: "cpu", target: 1.2 }],
    about: `an agent loop: ${AGENT_STEPS} model turns, two tool calls in each but the last`,
  },
  {
    name: "fleet-1000",
    model: "call",
    kind: "fleet",
    ops: 5_000,
    warmup: 0,
    concurrency: 64,
    chunks: 1,
    unit: "call",
    metrics: [
      { metric: "cpu", target: 1.2 },
      { metric: "heap-per-client", target: 1.5 },
      { metric: "make-client" },
    ],
    about: `${FLEET_SIZE} clients in one process (one per agent), calls spread over them, 64 in flight`,
  },
  {
    name: "cold-start",
    model: "call",
    kind: "cold",
    ops: 10,
    warmup: 0,
    concurrency: 1,
    chunks: 1,
    unit: "process",
    metrics: [{ metric: "wall", target: 1.1 }],
    about: "a fresh process: import the client, make it, one call, exit",
  },
  {
    name: "import",
    model: "call",
    kind: "import",
    ops: 10,
    warmup: 0,
    concurrency: 1,
    chunks: 1,
    unit: "process",
    // Reported beside the cold start, which it is part of: no target of its own.
    metrics: [{ metric: "wall" }, { metric: "import" }],
    about: 'a fresh process that only runs `await import("@loom/llm")`, against `import("undici")`',
  },
  {
    name: "stream-1000-batched",
    model: "stream-1000-batched",
    kind: "stream",
    ops: 40,
    warmup: 20,
    concurrency: 1,
    chunks: 1_000,
    unit: "chunk",
    metrics: [{ metric: "cpu", target: 1.1 }],
    about: "the same stream written in a few large writes (a proxy that buffers)",
  },
  {
    name: "tools-200-batched",
    model: "tools-200-batched",
    kind: "tools",
    ops: 150,
    warmup: 50,
    concurrency: 1,
    chunks: 200,
    unit: "chunk",
    metrics: [{ metric: "cpu", target: 1.2 }],
    about: "the same tool call written in a few large writes",
  },
  {
    name: "stream-1000-chunked",
    model: "stream-1000-chunked",
    kind: "stream",
    ops: 40,
    warmup: 20,
    concurrency: 1,
    chunks: 1_000,
    unit: "chunk",
    metrics: [
      { metric: "cpu", target: 1.1 },
      { metric: "ttfc", target: 1.05 },
    ],
    about:
      "the stream with every event an HTTP chunk of its own, all written at once: many chunks to a read, as a client behind a server that flushes per token sees them",
  },
  {
    name: "tools-200-chunked",
    model: "tools-200-chunked",
    kind: "tools",
    ops: 150,
    warmup: 50,
    concurrency: 1,
    chunks: 200,
    unit: "chunk",
    metrics: [{ metric: "cpu", target: 1.1 }],
    about: "the tool call with every event an HTTP chunk of its own, all written at once",
  },
];

/** `--quick`: the same shapes, fewer operations. */
export function quick(scenario: Scenario): Scenario {
  const perProcess = scenario.kind === "cold" || scenario.kind === "import";
  const keep = scenario.name === "par-500-streams" || perProcess;
  const scale = keep ? 1 : 0.25;
  return {
    ...scenario,
    ops: Math.max(perProcess ? 3 : 10, Math.round(scenario.ops * scale)),
    warmup: Math.round(scenario.warmup * scale),
  };
}

/** The text of the one-shot reply. */
export const CALL_CONTENT = "The capital of France is Paris.";
export const CALL_USAGE = { prompt_tokens: 14, completion_tokens: 8, total_tokens: 22 };
/** The agent's last answer. */
export const AGENT_ANSWER = "Done: looked up nine things.";

/** The i-th streamed piece: varied lengths and a multi-byte character now and then. */
export function piece(i: number): string {
  return i % 50 === 7 ? "é " : `tok${i % 97} `;
}

export const TOOL_NAME = "lookup";
/** The tool call's arguments, streamed in 200 pieces. */
export const TOOL_ARGS = JSON.stringify({
  query: "x".repeat(150),
  filters: Array.from({ length: 40 }, (_, i) => `f${i}`),
  limit: 10,
});
export function toolPieces(count: number): string[] {
  const size = Math.ceil(TOOL_ARGS.length / count);
  return Array.from({ length: count }, (_, i) => TOOL_ARGS.slice(i * size, (i + 1) * size));
}
