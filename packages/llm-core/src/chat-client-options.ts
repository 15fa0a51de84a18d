import type { ProviderHooks } from "@loom/llm-types";

/** Options of a `ChatClient` beyond its config. */
export interface ChatClientOptions {
  /** Behaviour composed onto every call: preset rules, cost, telemetry. Run in this order. */
  hooks?: readonly ProviderHooks[];
}
