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
  close(): Promise<void>;
}

/** How many sockets a client may open: as many as the scenario keeps in flight (at least 64). */
export interface DriverOptions {
  connections: number;
}

export type DriverFactory = (baseUrl: string, options: DriverOptions) => Driver;

export const MESSAGES = [{ role: "user" as const, content: "What is the capital of France?" }];
export const TOOL_SCHEMA = {
  type: "object",
  properties: { query: { type: "string" } },
  required: ["query"],
} as const;
