import type { ChatRequest } from "../chat-request.js";
import type { Usage } from "../usage.js";

/** What a gate is told about a request before it is sent. */
export interface GateEntry {
  readonly provider: string;
  readonly model: string;
  /**
   * Tokens the request may use, estimated before sending: its prompt (about 4 characters a
   * token) plus its completion limit (`maxTokens`). Limits count it first, the usage after.
   */
  readonly estimatedTokens: number;
  readonly request: ChatRequest;
  /** `performance.now()` by which the call must be done (its deadline), if it has one. */
  readonly deadline: number | undefined;
}

/** How a request a gate let through ended. */
export interface GateOutcome {
  /**
   * Whether the request reached the server, or may have (a provider counts it then, whatever came
   * back): true too for a request aborted, timed out or cut off before its answer began; false
   * for one never sent (its connection refused, its host not found, a check or hook of its own).
   */
  readonly sent: boolean;
  /** The usage the server reported: when it answered, or before its stream failed or was left. */
  readonly usage?: Usage | undefined;
  /** The model the server says answered (it may differ from the one asked for). */
  readonly model?: string | undefined;
  /** The response headers, when it answered: the provider's own rate-limit headers. */
  readonly headers?: Readonly<Record<string, string | string[] | undefined>> | undefined;
  /** How long the server asked to wait (a 429's `Retry-After`), in milliseconds. */
  readonly retryAfterMs?: number | undefined;
  /**
   * The status of an error the server answered with (a 429, a 503): no answer was generated,
   * so nothing was billed.
   */
  readonly status?: number | undefined;
}

/** A request let through: report how it ended, exactly once. */
export interface GatePass {
  /**
   * How long the gate held the request, in milliseconds: 0 when it let it through at once (the
   * time to ask a shared store, or a busy event loop, is not a hold).
   */
  readonly waitedMs: number;
  leave(outcome: GateOutcome): void;
}

/**
 * Something every request passes before it is sent and reports to after: a rate limit (requests
 * and tokens per minute, in process or shared through Redis), a budget. `enter` waits until the
 * request may go, or throws: a `RateLimitError`-like refusal, a `BudgetExceededError`, a
 * `TimeoutError` when the wait would outlast the call's deadline, an `AbortError` when the
 * signal fires. Each attempt of a call enters on its own: a retry is a request too.
 */
export interface CallGate {
  /** Named in errors and telemetry (`rate-limit`, `budget`). */
  readonly name: string;
  enter(entry: GateEntry, signal: AbortSignal | undefined): Promise<GatePass>;
}
