import type { CallGate, GateEntry, GatePass } from "@loom/llm-types";
import { untilAborted } from "@loom/llm-utils";
import { toTransportError } from "../http/to-transport-error.js";
import { estimateTokens } from "../limit/estimate-tokens.js";
import type { Attempt } from "./attempt.js";
import type { CallContext } from "./call-context.js";

/**
 * Lets an attempt through: every gate (rate limits, budgets) in order, then a slot under
 * `maxConcurrency`, so a request waiting on a limit holds no slot. One that then had to wait for
 * a slot passes the gates again, holding it: the gates count a request when they let it through,
 * and requests let through together that queued for slots would go out together as slots free,
 * more in a rate limit's window than it allows. Waiting is abortable (the call's signal,
 * `close()`); a refusal leaves the gates already passed as if nothing was sent. The attempt
 * holds what was passed until it is released.
 */
export async function admit(ctx: CallContext, attempt: Attempt): Promise<void> {
  const { client, facts } = ctx;
  const signal = ctx.signal;
  const entry = client.gates.length > 0 ? gateEntry(ctx) : undefined;
  let passes = entry !== undefined ? await passGates(ctx, attempt, entry) : undefined;
  const limit = client.limit;
  if (limit !== undefined) {
    const queued = limit.full;
    try {
      await limit.acquire(signal);
    } catch (error) {
      attempt.handBack(passes);
      throw toTransportError(error, { meta: facts, signal, delivered: false });
    }
    if (queued && entry !== undefined) {
      attempt.handBack(passes);
      passes = undefined;
      try {
        passes = await passGates(ctx, attempt, entry);
      } catch (error) {
        limit.release();
        throw error;
      }
    }
  }
  // Aborted as the last gate let it through (in the same turn): it goes nowhere, and the gates
  // hear it was not sent (a transport handed an aborted signal would make it look as if it
  // may have been).
  if (signal?.aborted || client.closing.aborted) {
    attempt.handBack(passes);
    limit?.release();
    if (client.closing.aborted && !signal?.aborted) throw client.closedError(facts);
    throw toTransportError(signal?.reason, { meta: facts, signal, delivered: false });
  }
  attempt.admit(passes, limit, client.transport.poolsAfterTurn === true);
}

/** What the gates see of an attempt's request: made once, however often they are passed. */
function gateEntry(ctx: CallContext): GateEntry {
  const { client, request, facts } = ctx;
  return {
    provider: facts.provider,
    model: facts.model,
    estimatedTokens: estimateTokens(
      request,
      client.wire.protocol.maxOutputTokens(client.config, request),
    ),
    request,
    deadline: ctx.deadline,
  };
}

/** Every gate in order: the passes, or the refusal or abort as the call's error. */
async function passGates(
  ctx: CallContext,
  attempt: Attempt,
  entry: GateEntry,
): Promise<GatePass[]> {
  const { client, request, info, facts } = ctx;
  const signal = ctx.signal;
  const passes: GatePass[] = [];
  // `close()` ends a wait at a gate too, as it ends a wait for a slot.
  const closing = client.closing;
  const gateSignal = signal === undefined ? closing : AbortSignal.any([signal, closing]);
  const started = performance.now();
  try {
    for (const gate of client.gates)
      passes.push(checkedPass(gate, await entered(gate, entry, gateSignal)));
  } catch (error) {
    attempt.handBack(passes);
    // A wait that ended in an abort, a deadline or a refusal is worth seeing most.
    const waitedMs = performance.now() - started;
    if (waitedMs >= 1) client.hooks.wait(waitedMs, request, info);
    if (closing.aborted && !signal?.aborted) throw client.closedError(facts);
    throw toTransportError(error, { meta: facts, signal, delivered: false });
  }
  // What the gates held the request for: the time to pass one that did not hold it (a busy
  // event loop, a round trip to a shared store) is not a wait.
  let waitedMs = 0;
  for (const pass of passes) waitedMs += pass.waitedMs;
  if (waitedMs > 0) client.hooks.wait(waitedMs, request, info);
  return passes;
}

/**
 * A gate's pass, or the wait's end when `signal` aborts first: a gate that does not watch the
 * signal (waiting on a store that answers nothing) must not hold the call past its deadline, an
 * abort or `close()`. A pass it gives after that is handed back at once, unsent.
 */
function entered(gate: CallGate, entry: GateEntry, signal: AbortSignal): Promise<GatePass> {
  const pending = gate.enter(entry, signal);
  return untilAborted(pending, signal, () => {
    pending.then(
      (pass) => {
        // Its bookkeeping failing changes nothing for a call already ended.
        try {
          if (typeof pass?.leave === "function") pass.leave({ sent: false });
        } catch {}
      },
      () => {},
    );
    return signal.reason;
  });
}

/** A gate's pass, as the contract says it is: else a clear error naming the gate. */
function checkedPass(gate: CallGate, pass: GatePass): GatePass {
  if (typeof pass?.leave === "function" && typeof pass.waitedMs === "number") return pass;
  throw new TypeError(
    `The gate "${String(gate.name)}" let a request through without a pass: enter() must resolve to { waitedMs, leave(outcome) }`,
  );
}
