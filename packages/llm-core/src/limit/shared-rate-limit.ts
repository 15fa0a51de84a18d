import type { LLMConfig } from "@loom/llm-types";
import { RateLimitGate } from "./rate-limit-gate.js";

// One limit per provider account in the process: every client made with the same provider,
// host and limits counts against the same requests and tokens.
const shared = new Map<string, RateLimitGate>();

/** The process's gate for a config's `rateLimit`, made on first use; none without one. */
export function sharedRateLimit(config: LLMConfig): RateLimitGate | undefined {
  const limits = config.rateLimit;
  if (limits === undefined) return undefined;
  const { requestsPerMinute, tokensPerMinute } = limits;
  if (requestsPerMinute === undefined && tokensPerMinute === undefined) return undefined;
  const key = [
    config.provider,
    new URL(config.baseUrl).origin,
    requestsPerMinute,
    tokensPerMinute,
  ].join("\0");
  let gate = shared.get(key);
  if (gate === undefined) {
    gate = new RateLimitGate({ requestsPerMinute, tokensPerMinute });
    shared.set(key, gate);
  }
  return gate;
}
