import type { CallInfo, ChatRequest, ExchangeFacts } from "@loom/llm-types";
import type { CallSignal } from "../http/call-signal.js";
import { Retrier } from "../retry/retrier.js";
import type { ClientCore } from "./client-core.js";

/**
 * One call or stream, from its start to its end: what it asked, what is known about it, its
 * signal and deadline, whether anything reached the caller, and its retry state. The one value
 * the steps of an exchange pass along.
 */
export class CallContext {
  readonly client: ClientCore;
  readonly request: ChatRequest;
  readonly facts: ExchangeFacts;
  readonly info: CallInfo;
  readonly stream: boolean;
  /** Joins the caller's signal, the deadline and (streams) `abort()`; none for a plain call without either. */
  readonly callSignal: CallSignal | undefined;
  /** `performance.now()` by which the call must be done, if it has a deadline. */
  readonly deadline: number | undefined;
  /** Whether any item reached the caller: from then on nothing is retried. */
  delivered = false;
  /**
   * Whether the server had begun the answer: a stream's reader made items of it, handed on or
   * not (an error in the same network read as the first text stops them short of the caller).
   * The server acted on the request, and billed it: nothing is resent either.
   */
  answerBegan = false;
  /** Made on the first failure: most calls succeed at once and need no retry state. */
  #retrier: Retrier | undefined;

  constructor(
    client: ClientCore,
    request: ChatRequest,
    facts: ExchangeFacts,
    info: CallInfo,
    callSignal: CallSignal | undefined,
    deadlineMs: number | undefined,
  ) {
    this.client = client;
    this.request = request;
    this.facts = facts;
    this.info = info;
    this.stream = info.stream;
    this.callSignal = callSignal;
    this.deadline = deadlineMs === undefined ? undefined : performance.now() + deadlineMs;
  }

  /** The signal requests are sent with. */
  get signal(): AbortSignal | undefined {
    return this.callSignal?.signal;
  }

  /** Attempts made or under way. */
  get attempts(): number {
    return this.#retrier?.attempts ?? 1;
  }

  /** Something reaches the caller: the first time, `onFirstChunk`. */
  deliver(): void {
    if (this.delivered) return;
    this.delivered = true;
    this.client.hooks.firstChunk(this.request, this.info);
  }

  /** The retry state, made on first need. */
  retrier(): Retrier {
    this.#retrier ??= makeRetrier(this);
    return this.#retrier;
  }
}

function makeRetrier(ctx: CallContext): Retrier {
  const { client, request, info, facts } = ctx;
  const hooks = client.hooks;
  const logger = client.ctx.logger;
  const watched = hooks.watchesRetries;
  const signal = ctx.signal;
  return new Retrier({
    maxRetries: request.maxRetries ?? client.config.maxRetries,
    maxRetryDelayMs: client.config.maxRetryDelayMs,
    deadline: ctx.deadline,
    // `close()` ends the wait too; joined only here, on the failure path.
    signal: signal === undefined ? client.closing : AbortSignal.any([signal, client.closing]),
    onRetry:
      !watched && logger?.debug === undefined
        ? undefined
        : (retry) => {
            // Masked before a hook or the log sees it, as at the call's exit.
            facts.redactor.redactError(retry.error);
            logger?.debug?.(
              `${info.provider}: retrying ${info.model} in ${retry.delayMs} ms (${retry.reason})`,
              {
                provider: info.provider,
                model: info.model,
                attempt: retry.attempt,
                delayMs: retry.delayMs,
                reason: retry.reason,
                // The error's message, never its object: its cause may hold undici's request.
                error: retry.error instanceof Error ? retry.error.message : String(retry.error),
              },
            );
            if (watched) hooks.retry(retry, request, info);
          },
  });
}
