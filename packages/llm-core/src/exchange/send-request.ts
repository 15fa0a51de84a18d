import {
  ConnectionError,
  type ExchangeFacts,
  InvalidResponseError,
  TimeoutError,
  type TransportRequest,
  type TransportResponse,
} from "@loom/llm-types";
import { discardBody } from "../http/discard-body.js";
import { parseRetryAfter } from "../http/parse-retry-after.js";
import { readErrorBody } from "../http/read-body.js";
import { requestIdOf } from "../http/request-id.js";
import { wasAnswering, wasUnsent } from "../http/request-marks.js";
import { toTransportError } from "../http/to-transport-error.js";
import { unauthorizedHint } from "../http/unauthorized-hint.js";
import { quoteServerText } from "../response/quote-server-text.js";
import { CoarseTimeout } from "../runtime/coarse-timeout.js";
import type { Attempt } from "./attempt.js";
import type { CallContext } from "./call-context.js";
import { WATCHDOG } from "./watchdog.js";

/**
 * How long past `timeoutMs` a transport may take to give up by itself before the exchange stops
 * waiting for it: undici times out on its own, this is the bound for any transport.
 */
const TRANSPORT_GRACE_MS = 1_000;

/**
 * Sends one attempt's request and returns the response when its status is 2xx, or throws the
 * typed error for the status (the wire protocol reads its body, within `timeoutMs` of the
 * attempt's start) or the transport failure. The body is built per attempt: hooks may change it
 * (`prepareBody`).
 */
export async function sendRequest(
  ctx: CallContext,
  started: number,
  attempt: Attempt,
): Promise<TransportResponse> {
  const { client, request, info, facts } = ctx;
  if (client.closing.aborted) throw client.closedError(facts);
  const signal = ctx.signal;
  const wire = client.wire.protocol;
  const body = wire.body(client.config, request, ctx.stream);
  client.hooks.prepareBody(body, request, info);
  const transport = client.transport;
  // A transport that does not end its own waits is told to stop when the exchange stops
  // waiting for it: else a request still queued (undici's, under `maxConnections`) would go
  // out later all the same, beside its retry.
  const cancel = transport.settlesItself === true ? undefined : new AbortController();
  let response: TransportResponse;
  let sent: TransportRequest | undefined;
  try {
    sent = {
      path: client.path,
      headers: headersOf(ctx),
      body: JSON.stringify(body),
      signal:
        cancel === undefined
          ? signal
          : signal === undefined
            ? cancel.signal
            : AbortSignal.any([signal, cancel.signal]),
      timeoutMs: facts.timeoutMs,
    };
    // From here on the request may reach the server, whatever fails.
    attempt.dispatched = true;
    const sending = transport.send(sent);
    // A caller's transport that returns no promise is waited for as one that answered so.
    response = await (cancel === undefined
      ? sending
      : bounded(Promise.resolve(sending), ctx, cancel));
  } catch (error) {
    // What the transport knew of this request (`request-marks.ts`).
    if (sent !== undefined && wasUnsent(sent)) attempt.unsent = true;
    throw toTransportError(typed(error, facts), {
      meta: facts,
      signal,
      delivered: false,
      responseStarted: sent !== undefined && wasAnswering(sent),
    });
  }
  checkShape(response, facts);
  const headers = response.headers;
  // A header the server chose: quoted as server text (masked, bounded) like any other.
  const requestId = requestIdOf(headers);
  facts.requestId = requestId === undefined ? undefined : quoteServerText(requestId, facts, 200);
  const status = response.status;
  if (status >= 200 && status < 300) return response;
  throw wire.statusError(
    {
      status,
      body: facts.redact(await readErrorBodyWithin(response, started + facts.timeoutMs, facts)),
      headers,
      retryAfterMs: parseRetryAfter(headers),
      hint: status === 401 ? unauthorizedHint(client.config) : undefined,
    },
    facts,
  );
}

/**
 * The transport's answer, or the reason to stop waiting for it: the call's signal, `close()`
 * (without `drain`),
 * or `timeoutMs` and a grace passing (a transport that times out by itself never reaches it).
 * Stopping aborts the request (`cancel`): one still queued is never sent.
 */
function bounded(
  sending: Promise<TransportResponse>,
  ctx: CallContext,
  cancel: AbortController,
): Promise<TransportResponse> {
  const { client, facts } = ctx;
  const signal = ctx.signal;
  return new Promise((resolve, reject) => {
    let settled = false;
    const stop = (error: unknown) => {
      if (settled) return;
      settled = true;
      cleanup();
      reject(error);
      cancel.abort(error);
    };
    const onClose = () => stop(client.closedError(facts));
    const onAbort = () => stop(signal?.reason);
    // Keeps the process up: a transport of the caller's may hold nothing else that does.
    const timeout = new CoarseTimeout(
      facts.timeoutMs + TRANSPORT_GRACE_MS,
      () =>
        stop(
          new TimeoutError({
            timeoutMs: facts.timeoutMs,
            phase: "headers",
            message: `${facts.request}: no response within ${facts.timeoutMs} ms`,
            provider: facts.provider,
            model: facts.model,
          }),
        ),
      true,
    );
    const cleanup = () => {
      timeout.cancel();
      client.sending.delete(onClose);
      signal?.removeEventListener("abort", onAbort);
    };
    client.sending.add(onClose);
    signal?.addEventListener("abort", onAbort, { once: true });
    sending.then(
      (response) => {
        if (!settled) {
          settled = true;
          cleanup();
          resolve(response);
          return;
        }
        // Answered after the exchange stopped waiting: its connection is let go (heard: undici
        // reports a body destroyed early as an `error` event, which unheard would crash).
        const late = response?.body;
        try {
          if (typeof late?.destroy === "function") discardBody(late);
        } catch {
          // A caller's body whose destroy() throws: nobody is left to tell.
        }
      },
      (error: unknown) => stop(error),
    );
  });
}

/** What a transport threw, as an error: a thrown string or `null` is not left as it is. */
function typed(error: unknown, facts: ExchangeFacts): unknown {
  if (error instanceof Error) return error;
  return new ConnectionError({
    message: `${facts.request} failed: the transport threw ${quoteServerText(String(error), facts, 200)}`,
    code: "LOOM_TRANSPORT_FAILED",
    retryable: false,
    provider: facts.provider,
    model: facts.model,
  });
}

/** A transport's answer must be a response: a status, headers and a body to read. */
function checkShape(response: TransportResponse, facts: ExchangeFacts): void {
  const candidate = response as Partial<TransportResponse> | null | undefined;
  const status = candidate?.status;
  const body = candidate?.body as Partial<TransportResponse["body"]> | null | undefined;
  if (
    typeof status === "number" &&
    Number.isInteger(status) &&
    status >= 100 &&
    status <= 599 &&
    typeof candidate?.headers === "object" &&
    candidate.headers !== null &&
    typeof body?.[Symbol.asyncIterator] === "function" &&
    typeof body.text === "function" &&
    typeof body.destroy === "function"
  )
    return;
  body?.destroy?.();
  throw new InvalidResponseError({
    message: `${facts.request}: the transport returned no response to read (a status from 100 to 599, headers and a body are needed; got ${candidate === null || typeof candidate !== "object" ? String(candidate) : `status ${String(status)}`})`,
    provider: facts.provider,
    model: facts.model,
  });
}

/** An error body, read until `deadline` at most: a server dripping it holds no attempt longer. */
async function readErrorBodyWithin(
  response: TransportResponse,
  deadline: number,
  facts: ExchangeFacts,
): Promise<string> {
  const watched = { body: response.body, deadline, context: facts };
  const watch = WATCHDOG.watch(watched);
  try {
    return await readErrorBody(response.body);
  } finally {
    watch.cancel();
  }
}

/** The client's headers for this kind of request, with the call's own on top. */
function headersOf(ctx: CallContext): Readonly<Record<string, string>> {
  const client = ctx.client;
  const base = client.wire.headers(ctx.stream);
  const own = ctx.request.headers;
  if (own === undefined) return base;
  const headers = { ...base };
  // Checked before anything was sent.
  for (const [name, value] of Object.entries(own)) headers[name.toLowerCase()] = value;
  return headers;
}
