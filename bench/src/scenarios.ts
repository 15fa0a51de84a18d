// What each scenario asks of a client, and what the server answers: one place for both.

export type ScenarioName =
  | "call-seq"
  | "call-par"
  | "stream-1000"
  | "tools-200"
  | "mem-par-streams";

export interface Scenario {
  name: ScenarioName;
  /** The `model` the request names: the server answers by it. */
  model: string;
  kind: "call" | "stream" | "tools";
  /** Operations measured (calls, or streams). */
  ops: number;
  /** Operations run first, untimed, for the JIT. */
  warmup: number;
  /** In flight at once. */
  concurrency: number;
  /** Chunks per stream (per-chunk CPU divides by ops × this). */
  chunks: number;
  /** What the table reports per op. */
  unit: "call" | "chunk" | "stream";
}

export const SCENARIOS: readonly Scenario[] = [
  {
    name: "call-seq",
    model: "call",
    kind: "call",
    ops: 3_000,
    warmup: 1_500,
    concurrency: 1,
    chunks: 1,
    unit: "call",
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
  },
  {
    name: "stream-1000",
    model: "stream-1000",
    kind: "stream",
    ops: 40,
    warmup: 20,
    concurrency: 1,
    chunks: 1_000,
    unit: "chunk",
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
  },
  {
    name: "mem-par-streams",
    model: "slow-stream",
    kind: "stream",
    ops: 500,
    warmup: 0,
    concurrency: 500,
    chunks: 20,
    unit: "stream",
  },
];

/** `--quick`: the same shapes, fewer operations. */
export function quick(scenario: Scenario): Scenario {
  const scale = scenario.name === "mem-par-streams" ? 1 : 0.25;
  return {
    ...scenario,
    ops: Math.max(10, Math.round(scenario.ops * scale)),
    warmup: Math.round(scenario.warmup * scale),
  };
}

/** The text of the one-shot reply. */
export const CALL_CONTENT = "The capital of France is Paris.";
export const CALL_USAGE = { prompt_tokens: 14, completion_tokens: 8, total_tokens: 22 };

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
