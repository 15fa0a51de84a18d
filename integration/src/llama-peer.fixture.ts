// The bundled llama.cpp `llama-server` (../shared/peers/llama-server beside the repository): a
// real server on a free loopback port, started and stopped by the suite that needs it.
import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { createServer } from "node:net";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import type { ToolDefinition } from "@loom/llm";

const exec = promisify(execFile);
const peer = fileURLToPath(new URL("../../../shared/peers/llama-server/start.sh", import.meta.url));

/** Whether the peer is there to start. */
export const hasPeer = existsSync(peer);

/** A running llama-server. */
export interface Peer {
  /** `http://127.0.0.1:PORT/v1`. */
  baseUrl: string;
  stop(): Promise<void>;
}

/** A port nobody listens on right now. */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** Starts a llama-server; resolves with its base URL and a stop function. */
export async function startPeer(mode: "tools" | "plain", apiKey?: string): Promise<Peer> {
  const port = await freePort();
  const args = [String(port), mode, ...(apiKey === undefined ? [] : ["--api-key", apiKey])];
  const { stdout } = await exec(peer, args, { timeout: 60_000 });
  const pid = Number(/\(pid (\d+)\)/.exec(stdout)?.[1]);
  return {
    baseUrl: `http://127.0.0.1:${port}/v1`,
    async stop() {
      try {
        process.kill(pid);
      } catch {
        // Already gone.
      }
    },
  };
}

// Greedy and seeded: the model's weights are random, and llama-server answers 500 ("does not
// match the expected peg-native format") when a sampled answer happens to trip its chat
// template's parser; the greedy answer to this prompt does not.
export const ask = {
  messages: [{ role: "user" as const, content: "Say hi." }],
  maxTokens: 8,
  temperature: 0,
  seed: 7,
};

// An enum keeps the tiny model's arguments valid JSON (see the peer's README).
export const weather: ToolDefinition = {
  name: "get_weather",
  description: "The weather in a city",
  parameters: {
    type: "object",
    properties: { city: { type: "string", enum: ["Paris", "Rome"] } },
    required: ["city"],
  },
};
