import type { LLMConfig } from "@loom/llm-types";
import { RateLimitGate } from "./rate-limit-gate.js";

/** The window of a config's `rateLimit` (per minute). */
const WINDOW_MS = 60_000;

/** One account's gate, the clients holding it, and when it is forgotten once none does. */
interface Shared {
  readonly gate: RateLimitGate;
  holders: number;
  forget: ReturnType<typeof setTimeout> | undefined;
}

// One limit per provider account in the process: every client made with the same provider,
// host and limits counts against the same requests and tokens.
const shared = new Map<string, Shared>();

/** A client's hold on its account's gate: released when the client is closed. */
export interface SharedRateLimit {
  readonly gate: RateLimitGate;
  release(): void;
}

/**
 * The process's gate for a config's `rateLimit`, made on first use; none without one. Once every
 * client holding it was closed it is forgotten a window later (what it counted holds that
 * long: a client made again within it still waits for those requests), so a process that makes
 * clients with ever new limits, hosts or ports does not keep a gate for each.
 */
export function sharedRateLimit(config: LLMConfig): SharedRateLimit | undefined {
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
  let entry = shared.get(key);
  if (entry === undefined) {
    entry = {
      gate: new RateLimitGate({ requestsPerMinute, tokensPerMinute }),
      holders: 0,
      forget: undefined,
    };
    shared.set(key, entry);
  }
  const held = entry;
  held.holders++;
  if (held.forget !== undefined) clearTimeout(held.forget);
  held.forget = undefined;
  let released = false;
  return {
    gate: held.gate,
    release() {
      if (released) return;
      released = true;
      if (--held.holders > 0) return;
      held.forget = setTimeout(() => {
        if (held.holders === 0 && shared.get(key) === held) shared.delete(key);
      }, WINDOW_MS);
      // Never what keeps a process alive.
      (held.forget as { unref?: () => void }).unref?.();
    },
  };
}
