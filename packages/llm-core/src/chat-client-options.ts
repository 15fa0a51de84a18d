import type { CallGate, ProviderHooks, TransportFactory } from "@loom/llm-types";

/** Options of a `ChatClient` beyond its config. */
export interface ChatClientOptions {
  /** Behaviour composed onto every call: preset rules, cost, telemetry. Run in this order. */
  hooks?: readonly ProviderHooks[];
  /**
   * What every request passes before it is sent, in this order, after the config's own
   * `rateLimit`: a rate limit or budget shared with other clients or processes (Redis).
   */
  gates?: readonly CallGate[];
  /**
   * Makes the client's transport for the origin of its base URL. Default: undici's pooled
   * keep-alive connections. Retries, timeouts, aborts and the rule that nothing is resent once
   * a response began hold above it, for any transport.
   */
  transport?: TransportFactory;
}
