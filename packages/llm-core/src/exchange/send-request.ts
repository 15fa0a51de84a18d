import type { TransportResponse } from "@loom/llm-types";
import { parseRetryAfter } from "../http/parse-retry-after.js";
import { readErrorBody } from "../http/read-body.js";
import { requestIdOf } from "../http/request-id.js";
import { toTransportError } from "../http/to-transport-error.js";
import { quoteServerText } from "../response/quote-server-text.js";
import type { CallContext } from "./call-context.js";

/**
 * Sends one attempt's request and returns the response when its status is 2xx, or throws the
 * typed error for the status (the wire protocol reads its body) or the transport failure. The
 * body is built per attempt: hooks may change it (`prepareBody`).
 */
export async function sendRequest(ctx: CallContext): Promise<TransportResponse> {
  const { client, request, info, facts } = ctx;
  if (client.closing.aborted) throw client.closedError(facts);
  const signal = ctx.signal;
  const wire = client.wire;
  const body = wire.body(client.config, request, ctx.stream);
  client.hooks.prepareBody(body, request, info);
  let response: TransportResponse;
  try {
    response = await client.transport.send({
      path: client.path,
      headers: headersOf(ctx),
      body: JSON.stringify(body),
      signal,
      timeoutMs: facts.timeoutMs,
    });
  } catch (error) {
    throw toTransportError(error, { meta: facts, signal, delivered: false });
  }
  const headers = response.headers;
  // A header the server chose: quoted as server text (masked, bounded) like any other.
  const requestId = requestIdOf(headers);
  facts.requestId = requestId === undefined ? undefined : quoteServerText(requestId, facts, 200);
  const status = response.status;
  if (status >= 200 && status < 300) return response;
  const config = client.config;
  throw wire.statusError(
    {
      status,
      body: facts.redact(await readErrorBody(response.body)),
      headers,
      retryAfterMs: parseRetryAfter(headers),
      hint:
        status !== 401
          ? undefined
          : config.apiKey === undefined
            ? `No API key was sent${config.apiKeyEnv ? `: set ${config.apiKeyEnv}` : ""}`
            : config.apiKeyEnv
              ? `Check the key in ${config.apiKeyEnv}`
              : undefined,
    },
    facts,
  );
}

/** The client's headers for this kind of request, with the call's own on top. */
function headersOf(ctx: CallContext): Readonly<Record<string, string>> {
  const client = ctx.client;
  const base = ctx.stream ? client.streamHeaders : client.headers;
  const own = ctx.request.headers;
  if (own === undefined) return base;
  const headers = { ...base };
  // Checked before anything was sent.
  for (const [name, value] of Object.entries(own)) headers[name.toLowerCase()] = value;
  return headers;
}
