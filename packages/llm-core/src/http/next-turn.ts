import type { Transport } from "@loom/llm-types";
import { immediate } from "../runtime/immediate.js";

/**
 * Resolves after the current turn of the event loop. undici returns a keep-alive socket to its
 * pool one `setImmediate` after a response ends (so a server that closes despite promising
 * keep-alive is noticed first); a caller whose next request went out sooner would open a second
 * connection. Waiting for this turn before handing a result back keeps sequential calls on one
 * socket, at the cost of one macrotask.
 */
export function nextTurn(): Promise<void> {
  return new Promise((resolve) => immediate(resolve));
}

/** `nextTurn()` where the transport needs it (`Transport.poolsAfterTurn`), else nothing to wait. */
export function poolTurn(transport: Transport): Promise<void> | undefined {
  return transport.poolsAfterTurn === true ? nextTurn() : undefined;
}
