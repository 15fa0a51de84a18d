import type { LLMResponse, TransportResponse } from "@loom/llm-types";
import { poolTurn } from "../http/next-turn.js";
import { readBody } from "../http/read-body.js";
import { toTransportError } from "../http/to-transport-error.js";
import { parseJsonBody } from "../response/parse-json-body.js";
import { parseStructuredReply } from "../response/parse-structured-reply.js";
import type { Attempt } from "./attempt.js";
import type { CallContext } from "./call-context.js";
import { WATCHDOG } from "./watchdog.js";

/**
 * A call's body: read whole within `timeoutMs` of the attempt's start (the watchdog bounds a
 * server that drips it), parsed by the wire protocol and, with a response format, validated.
 * One turn of the event loop follows, so the connection is back in the pool before the caller's
 * next request.
 */
export async function readWholeBody(
  ctx: CallContext,
  attempt: Attempt,
  response: TransportResponse,
  started: number,
): Promise<LLMResponse> {
  const facts = ctx.facts;
  const watched = {
    body: response.body,
    deadline: started + facts.timeoutMs,
    context: facts,
    keepAlive: ctx.client.transport.settlesItself !== true,
  };
  const watch = WATCHDOG.watch(watched);
  let text: string;
  try {
    // Bounded: the watchdog holds the whole read to `timeoutMs` from the attempt's start.
    text = await readBody(response.body, response.headers["content-length"], facts, true);
  } catch (error) {
    throw toTransportError(error, {
      meta: facts,
      signal: ctx.signal,
      delivered: false,
      responseStarted: true,
    });
  } finally {
    watch.cancel();
  }
  attempt.ended = true;
  const parsed = ctx.client.wire.protocol.parseResponse(parseJsonBody(text, facts), facts);
  attempt.answered(parsed);
  parseStructuredReply(parsed, facts);
  const turn = poolTurn(ctx.client.transport);
  if (turn !== undefined) await turn;
  return parsed;
}
