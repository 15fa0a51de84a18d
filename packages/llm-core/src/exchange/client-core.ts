import type {
  CallGate,
  ConnectionError,
  ExchangeFacts,
  LLMConfig,
  LLMContext,
  Transport,
} from "@loom/llm-types";
import type { HookRunner } from "../hooks/hook-runner.js";
import type { ConcurrencyLimit } from "../limit/concurrency-limit.js";
import type { ClientWire } from "./client-wire.js";

/**
 * What every exchange of one client shares, made once when the client is: its config, how it
 * speaks (wire protocol) and sends (transport), its hooks, gates and concurrency limit, and the
 * signal `close()` aborts. The exchange reads it; nothing calls back into the client.
 */
export interface ClientCore {
  readonly config: LLMConfig;
  readonly ctx: LLMContext;
  /** The wire protocol and its headers, loaded before the first attempt. */
  readonly wire: ClientWire;
  readonly transport: Transport;
  readonly hooks: HookRunner;
  /** What each request passes before it is sent: the config's rate limit, then `gates`. */
  readonly gates: readonly CallGate[];
  readonly limit: ConcurrencyLimit | undefined;
  /** Aborted by `close()`: no new attempt starts, waits at gates and between retries end. */
  readonly closing: AbortSignal;
  /**
   * The waits for a response now in flight, and the streams begun and not yet ended, each
   * ending its request: `close()` without `drain` calls them all, so requests in flight fail at
   * once too, and so does a stream whose consumer holds an item and asks for no more. A set rather than listeners on a
   * signal: a call adds and deletes one entry, cheaper than a listener on every runtime.
   */
  readonly sending: Set<() => void>;
  /** The path and query of a chat request below the origin. */
  readonly path: string;
  /** The error of an attempt made after `close()`. */
  closedError(facts: ExchangeFacts): ConnectionError;
}
