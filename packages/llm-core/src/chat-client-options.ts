import type { CallGate, ProviderHooks } from "@loom/llm-types";

/** Options of a `ChatClient` beyond its config. */
export interface ChatClientOptions {
  /** Behaviour composed onto every call: preset rules, cost, telemetry. Run in this order. */
  hooks?: readonly ProviderHooks[];
  /**
   * What every request passes before it is sent, in this order, after the config's own
   * `rateLimit`: a rate limit or budget shared with other clients or processes (Redis).
   */
  gates?: readonly CallGate[];
}
