import {
  type ExchangeFacts,
  type LLMResponse,
  TimeoutError,
  type TransportResponse,
} from "@loom/llm-types";
import { BodyWatchdog } from "../http/body-watchdog.js";
import { nextTurn } from "../http/next-turn.js";
import { readBody } from "../http/read-body.js";
import { toTransportError } from "../http/to-transport-error.js";
import { parseJsonBody } from "../response/parse-json-body.js";
import { parseStructuredReply } from "../response/parse-structured-reply.js";
import type { Attempt } from "./attempt.js";
import type { CallContext } from "./call-context.js";

/**
 * One watchdog for every client of the process: a fleet of a thousand clients keeps one timer
 * ticking while bodies are read, not a thousand.
 */
const WATCHDOG = new BodyWatchdog<ExchangeFacts>((facts) => {
  const timeoutMs = facts.timeoutMs;
  return new TimeoutError({
    timeoutMs,
    phase: "body",
    message: `${facts.request}: the response did not arrive in full within ${timeoutMs} ms; not resent, since the server may have acted on it`,
    retryable: false,
    provider: facts.provider,
    model: facts.model,
    requestId: facts.requestId,
  });
});

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
  const watched = { body: response.body, deadline: started + facts.timeoutMs, context: facts };
  WATCHDOG.watch(watched);
  let text: string;
  try {
    text = await readBody(response.body, response.headers["content-length"], facts);
  } catch (error) {
    throw toTransportError(error, {
      meta: facts,
      signal: ctx.signal,
      delivered: false,
      responseStarted: true,
    });
  } finally {
    WATCHDOG.unwatch(watched);
  }
  attempt.ended = true;
  const parsed = ctx.client.wire.parseResponse(parseJsonBody(text, facts), facts);
  attempt.answered(parsed);
  parseStructuredReply(parsed, facts);
  await nextTurn();
  return parsed;
}
