/** What every client under test does, the same way, so only the client differs. */
export interface Driver {
  /** One non-streamed completion. */
  call(model: string): Promise<{ content: string; promptTokens: number }>;
  /** One streamed completion; `onFirst` when the first text chunk arrives. */
  stream(
    model: string,
    onFirst: () => void,
  ): Promise<{ content: string; chunks: number; completionTokens: number }>;
  /** One streamed tool call: its name and parsed arguments. */
  tools(model: string): Promise<{ name: string; args: unknown }>;
  /** An agent loop to the end: model turns made, and the last answer. */
  agent(model: string): Promise<{ steps: number; content: string }>;
  close(): Promise<void>;
}

/** A client as its users make one: its defaults, nothing tuned for the benchmark. */
export type DriverFactory = (baseUrl: string) => Driver;

/**
 * Agent runs: model turns per run (the last one answers), two tool calls per turn before it.
 * Here, not in scenarios.ts, so a driver's cold start loads no more of the benchmark than its own.
 */
export const AGENT_STEPS = 10;

export const MESSAGES = [{ role: "user" as const, content: "What is the capital of France?" }];
export const TOOL_SCHEMA = {
  type: "object",
  properties: { query: { type: "string" } },
  required: ["query"],
} as const;

/** The agent's tools, run the same way by every client's loop. */
export function runTool(name: string, args: unknown): string {
  if (name === "lookup") return `found ${(args as { query?: string }).query ?? ""}`;
  if (name === "clock") return "12:00";
  throw new Error(`unknown tool ${name}`);
}

/** The agent's tools on the wire, for the clients that send them by hand. */
export const WIRE_TOOLS = [
  { type: "function" as const, function: { name: "lookup", parameters: TOOL_SCHEMA } },
  {
    type: "function" as const,
    function: { name: "clock", parameters: { type: "object", properties: {} } },
  },
];
