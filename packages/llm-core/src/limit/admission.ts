import type { GateOutcome } from "@loom/llm-types";

/**
 * A request let through: past every gate (rate limits, budgets) and holding its slot under
 * `maxConcurrency`. `leave` tells the gates how it ended (once; later calls do nothing);
 * `release` frees the slot.
 */
export interface Admission {
  leave(outcome: GateOutcome): void;
  release(): void;
}
