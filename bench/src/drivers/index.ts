import type { DriverFactory } from "./driver.ts";

/**
 * Every client, the floor first. Loaded on demand: a child process imports only the client it
 * measures, so no client's memory figure carries another's modules.
 */
export const DRIVERS: Readonly<Record<string, () => Promise<DriverFactory>>> = {
  "raw-undici": async () => (await import("./raw-undici.ts")).rawUndici,
  fetch: async () => (await import("./node-fetch.ts")).nodeFetch,
  openai: async () => (await import("./openai-sdk.ts")).openaiSdk,
  "vercel-ai": async () => (await import("./vercel-ai.ts")).vercelAi,
  loom: async () => (await import("./loom.ts")).loom,
  "loom (no telemetry)": async () => (await import("./loom.ts")).loomNoTelemetry,
};
