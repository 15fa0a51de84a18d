import type {
  Transport,
  TransportOptions,
  TransportRequest,
  TransportResponse,
} from "@loom/llm-types";
import { CoarseTimeout } from "../runtime/coarse-timeout.js";
import { currentRuntime } from "../runtime/current-runtime.js";
import { contentCodings, decodedHeaders, unreadErrorBody } from "./content-codings.js";
import { FetchBody } from "./fetch-body.js";
import { headerRecord } from "./header-record.js";
import { InFlightRequest } from "./in-flight-request.js";
import { opaqueRedirect } from "./opaque-redirect.js";
import { headersTimeout } from "./transport-timeout.js";
import { unsupportedEncoding } from "./unsupported-encoding.js";

/**
 * The content codings the runtimes' fetch decodes by itself (each asks only for those it
 * decodes, in its own `accept-encoding`).
 */
/**
 * The codings a runtime's `fetch` decodes by itself, as measured: Node's, Bun's and browsers'
 * all five; Deno's and workerd's gzip and br only (they hand a deflate or zstd body on as it
 * came, its `content-encoding` still set), and so any other runtime's, to be safe. A body in a
 * coding left undecoded is a typed error naming it, never bytes parsed as JSON.
 */
const DECODES_ALL: readonly string[] = ["gzip", "x-gzip", "deflate", "br", "zstd"];
const DECODES_GZIP_BR: readonly string[] = ["gzip", "x-gzip", "br"];

function fetchDecodes(): readonly string[] {
  const name = currentRuntime().name;
  return name === "node" || name === "bun" || name === "browser" ? DECODES_ALL : DECODES_GZIP_BR;
}

/**
 * The transport of every runtime but Node (Bun, Deno, Cloudflare Workers, browsers), and Node's
 * too when asked for: the runtime's own global `fetch`, which pools keep-alive connections by
 * itself. What undici's transport does with its own options, this one does around fetch: the
 * headers timeout and the read-gap timeout (`timeoutMs`), `close()` (in-flight requests aborted,
 * or let finish with `drain`), redirects not followed (the key never goes elsewhere), failures
 * given the codes the exchange types (see `InFlightRequest`, `fetchFailure`).
 *
 * `maxConnections` is not honoured: fetch gives no control over its connections (Node's shares
 * one pool per process; browsers allow about six per origin). Use `undiciTransport` on Node
 * when the bound matters; `maxConcurrency` bounds the requests in flight on any runtime.
 *
 * A compressed body is decoded by fetch itself (gzip, deflate, br, and zstd where the runtime
 * has it): its `content-encoding` and `content-length` are dropped from the headers, since they
 * no longer describe the body, and `maxResponseBytes` bounds it decoded. A coding fetch left
 * as it was is an error with code `LOOM_UNSUPPORTED_ENCODING`, as with undici.
 */
export class FetchTransport implements Transport {
  /**
   * Node.js's fetch is undici's, which frees a connection a turn after its body ends; Bun's,
   * Deno's, workerd's and browsers' reuse it without that turn (measured: 20 sequential calls
   * over one or two connections without it), where waiting would only add latency.
   */
  readonly poolsAfterTurn: boolean = currentRuntime().name === "node";
  /** Its headers timeout, the request's signal and `close()` abort every request it sends. */
  readonly settlesItself = true;
  readonly #origin: string;
  readonly #decodes: readonly string[] = fetchDecodes();
  readonly #inFlight = new Set<InFlightRequest>();
  /** Set by `close()`: what later requests fail with. */
  #closed: unknown;
  /** Resolved once no request is in flight, for `close()` to wait on. */
  #drained: Promise<void> | undefined;
  #resolveDrained: (() => void) | undefined;

  /**
   * A transport to `origin`. Of `options`, `maxConnections` cannot be honoured (see above) and
   * `timeoutMs` comes with each request.
   */
  constructor(origin: string, _options: TransportOptions) {
    this.#origin = origin;
  }

  /**
   * POSTs the request with fetch; resolves once the headers arrived (within `timeoutMs`), with
   * the body to read. Fails with the reason of an abort (the request's signal, `close()`, the
   * headers timeout) or with fetch's failure, given a code.
   */
  async send(request: TransportRequest): Promise<TransportResponse> {
    if (this.#closed !== undefined) throw this.#closed;
    const flight = new InFlightRequest(request.signal, this.#ended);
    this.#inFlight.add(flight);
    const timeout = new CoarseTimeout(request.timeoutMs, () =>
      flight.abort(headersTimeout(request.timeoutMs)),
    );
    let response: Response;
    try {
      response = await fetch(`${this.#origin}${request.path}`, {
        method: "POST",
        headers: request.headers,
        body: request.body,
        signal: flight.signal,
        // As undici: a redirect is the answer, never followed with the key to another place.
        redirect: "manual",
      });
    } catch (error) {
      flight.end();
      throw flight.failure(error);
    } finally {
      timeout.cancel();
    }
    if (response.type === "opaqueredirect") {
      // A browser answers a redirect with no status, headers or body to show.
      const error = opaqueRedirect();
      flight.abort(error);
      throw error;
    }
    const headers = headerRecord(response.headers);
    const body = new FetchBody(response, flight, request.timeoutMs);
    const encoding = headers["content-encoding"];
    if (encoding === undefined) return { status: response.status, headers, body };
    const decodes = this.#decodes;
    const unknown = contentCodings(String(encoding)).find(
      (coding) => !decodes.includes(coding.toLowerCase()),
    );
    if (unknown !== undefined) {
      body.destroy();
      const error = unreadErrorBody(response.status, headers);
      if (error !== undefined) return error;
      throw unsupportedEncoding(
        unknown,
        decodes === DECODES_ALL ? "gzip, deflate, br and zstd" : "gzip and br",
      );
    }
    // Decoded by fetch.
    return { status: response.status, headers: decodedHeaders(headers), body };
  }

  /**
   * Later requests fail with `reason`. With `drain`, resolves once the requests in flight are
   * done (their bodies read or destroyed); without, aborts them with `reason` at once.
   */
  close(options: { readonly drain: boolean; readonly reason: Error }): Promise<void> {
    this.#closed ??= options.reason;
    if (!options.drain) for (const flight of this.#inFlight) flight.abort(options.reason);
    if (this.#inFlight.size === 0) return Promise.resolve();
    this.#drained ??= new Promise((resolve) => {
      this.#resolveDrained = resolve;
    });
    return this.#drained;
  }

  readonly #ended = (flight: InFlightRequest): void => {
    this.#inFlight.delete(flight);
    if (this.#inFlight.size === 0) this.#resolveDrained?.();
  };
}

/**
 * The codings of a `content-encoding` header as the server wrote them (compared without regard
 * to case: an error quoting one lowercased would hold a copy of a secret that masking does not
 * match), `identity` left out.
 */
/** A `TransportFactory` on the runtime's global `fetch`: the default on every runtime but Node. */
export function fetchTransport(origin: string, options: TransportOptions): Transport {
  return new FetchTransport(origin, options);
}
