import {
  APIStatusError,
  LLMError,
  type LLMResponse,
  type TransportResponse,
  type Usage,
} from "@loom/llm-types";
import { toTransportError } from "../http/to-transport-error.js";
import { tooDeep } from "../response/too-deep.js";
import type { AttemptProgress } from "../retry/retrier.js";
import { prepareSchemaSupport } from "../schema/load-schema-support.js";
import { admit } from "./admit.js";
import { Attempt } from "./attempt.js";
import type { CallContext } from "./call-context.js";
import { mayHaveReachedServer } from "./may-have-reached-server.js";
import type { EventStreamReading, Item } from "./read-event-stream.js";
import { readWholeBody } from "./read-whole-body.js";
import { sendRequest } from "./send-request.js";

/**
 * One exchange, for a call and a stream alike: the hooks around it, then attempts until one
 * succeeds or the error is final. Each attempt passes the gates and takes a slot (`admit`),
 * sends the request (`sendRequest`), and reads the body: whole for a call, as server-sent
 * events for a stream (`reading`), whose batches of items are yielded as they come. A failed
 * attempt is typed, released, and tried again if `decideRetry` (through the call's `Retrier`)
 * says so: never once anything reached the caller, never once the server began its response.
 *
 * Exactly one of `onResponse`, `onError` or `onCancel` (the caller left a stream early) ends
 * it; every failure leaves through one `catch`, where it is masked before anyone sees it.
 */
export async function* exchange(
  ctx: CallContext,
  reading: EventStreamReading | undefined,
): AsyncGenerator<Item[], LLMResponse> {
  const { client, request, info, facts } = ctx;
  const hooks = client.hooks;
  try {
    hooks.begin(request, info);
  } catch (error) {
    // Stopped before it began (a spent budget): not a failed call, and nothing to release.
    ctx.callSignal?.dispose();
    throw error;
  }
  let attempt: Attempt | undefined;
  let ended = false;
  try {
    // A protocol other than the default is loaded by the first exchange that speaks it, and
    // schema support (zod too, off Node.js, where a schema needs it) by the first with tools or
    // a `responseFormat`: sent nowhere if either fails.
    if (!client.wire.ready) await client.wire.load();
    const schemas = prepareSchemaSupport(request, facts);
    if (schemas !== undefined) await schemas;
    for (;;) {
      attempt = new Attempt((error) => reportGateFailure(ctx, error));
      try {
        // Most clients have neither gates nor a concurrency limit: nothing to wait for then.
        if (client.gates.length > 0 || client.limit !== undefined) await admit(ctx, attempt);
        const started = performance.now();
        let response: TransportResponse;
        try {
          response = await sendRequest(ctx, started, attempt);
        } catch (error) {
          // The server answered (a 429 counts against its limits): else nothing was sent.
          if (APIStatusError.isInstance(error))
            attempt.outcome = {
              sent: true,
              retryAfterMs: error.retryAfterMs,
              status: error.status,
            };
          throw error;
        }
        // The status line arrived: from here on the request is never resent.
        attempt.response = response;
        attempt.outcome = { sent: true, headers: response.headers };
        const final =
          reading === undefined
            ? await readWholeBody(ctx, attempt, response, started)
            : yield* reading.read(attempt, response);
        final.attempts = ctx.attempts;
        ended = true;
        hooks.response(final, request, info);
        return final;
      } catch (error) {
        const progress: AttemptProgress = {
          // Whether part of the answer came, so that asking again would have it made twice.
          delivered: ctx.delivered || ctx.answerBegan,
          // The status line arrived: a transport failure from here on is not resent.
          responseStarted: attempt.response !== undefined,
        };
        // Past the status line and before the answer was whole, the stack running out is the
        // answer's doing: nested too deeply to read (a hook's own error comes after `ended`).
        const read = progress.responseStarted && !ended ? tooDeep(error, facts) : error;
        const mapped = toTransportError(read, { meta: facts, signal: ctx.signal, ...progress });
        // Usage that came before the failure (a stream cut after its usage).
        const paid = reading?.usage;
        attempt.billed(paid);
        // Out before its status line, it may have reached the server all the same: the gates
        // count it (a rate limit, as the provider may), else it is handed back unsent.
        if (
          !attempt.outcome.sent &&
          attempt.dispatched &&
          !attempt.unsent &&
          mayHaveReachedServer(mapped)
        )
          attempt.outcome = { sent: true };
        attempt.release();
        // The stream's idle bound is per attempt: the wait before the next one is no gap.
        reading?.dispose();
        if (!(await retryAfter(ctx, mapped, progress))) {
          // Part of the answer came (an error event after text): final, and said so, so that no
          // retry of the caller's (nor `withFallback`) asks again for what was paid for.
          if (progress.delivered && LLMError.isInstance(mapped) && mapped.retryable)
            Object.defineProperty(mapped, "retryable", { value: false });
          // What was billed goes with the error (the cost hooks count it); not onto an error
          // other calls share (`close()`'s) or the caller's own (its abort reason).
          if (
            paid !== undefined &&
            LLMError.isInstance(mapped) &&
            mapped !== ctx.client.closing.reason &&
            mapped !== ctx.request.signal?.reason
          )
            (mapped as { usage: Usage | undefined }).usage = paid;
          throw mapped;
        }
      }
    }
  } catch (error) {
    ended = true;
    // The one exit of every failure: masked before hooks, telemetry or the caller see it (a
    // thrown string too, from a hook or a gate).
    const masked =
      typeof error === "string" ? facts.redact(error) : facts.redactor.redactError(error);
    hooks.error(masked, request, info);
    throw masked;
  } finally {
    // The caller left before the end (a stream's loop broken, or aborted between items), maybe
    // after the usage came: billed, so the gates and the hooks count it.
    const paid = ended ? undefined : reading?.usage;
    reading?.dispose();
    ctx.callSignal?.dispose();
    attempt?.billed(paid);
    attempt?.release();
    if (!ended) hooks.cancel(request, info, paid);
  }
}

/** Whether to try again after `error`; an abort while waiting is reported as the abort. */
async function retryAfter(
  ctx: CallContext,
  error: unknown,
  progress: AttemptProgress,
): Promise<boolean> {
  try {
    return await ctx.retrier().retryAfter(error, progress);
  } catch (abort) {
    const error = toTransportError(abort, {
      meta: ctx.facts,
      signal: ctx.signal,
      delivered: ctx.delivered,
    });
    // The attempts made so far, as a final error says them; not on an error other calls share
    // (`close()`'s) or one the caller made (its abort reason).
    if (
      LLMError.isInstance(error) &&
      error !== ctx.client.closing.reason &&
      error !== ctx.request.signal?.reason
    )
      (error as { attempts: number }).attempts = ctx.attempts;
    throw error;
  }
}

/** A gate whose `leave` threw: said through the logger (or once on the console), never thrown. */
function reportGateFailure(ctx: CallContext, error: unknown): void {
  const { info, facts } = ctx;
  const text = facts.redact(
    error instanceof Error ? `${error.name}: ${error.message}` : String(error),
  );
  const message = `${info.provider}: a gate threw when told how a request ended; ignored: ${text}`;
  const logger = ctx.client.ctx.logger;
  if (logger?.error !== undefined)
    logger.error(message, { provider: info.provider, model: info.model });
  else if (!warnedGate) {
    warnedGate = true;
    console.warn(message);
  }
}

let warnedGate = false;
