/**
 * Sends one HTTP request and hands back its status, headers and body stream: the seam between
 * an exchange and the runtime's HTTP client (undici's pooled keep-alive connections on Node, the
 * runtime's own `fetch` elsewhere). Retries, timeouts beyond the transport's own, aborts and the
 * rule that nothing is resent once a response began are decided above it, the same for every
 * transport. Redirects are answers, not followed (the key would go with the request).
 */
export interface Transport {
  /**
   * Sends a request; resolves once the status line and headers arrived. Failures are thrown as
   * the runtime reports them, with a string `code` on the error or down its `cause` chain (as
   * `ECONNREFUSED`, or Node's fetch `TypeError` caused by one), to be typed above; an error with
   * no code anywhere is taken for a bug and passes untyped, so a failure that names none (a bare
   * fetch `TypeError`) needs one given. The transport's own timeouts carry undici's codes,
   * whichever transport it is: `UND_ERR_HEADERS_TIMEOUT` (no headers within `timeoutMs`) and
   * `UND_ERR_BODY_TIMEOUT` (a read of the body waited `timeoutMs`). Aborted by `signal`, it
   * fails with the signal's reason.
   */
  send(request: TransportRequest): Promise<TransportResponse>;
  /**
   * Releases the connections: with `drain`, requests already sent finish first; otherwise they
   * fail at once with `reason`. Requests sent afterwards fail. A transport on a pool it does not
   * own (fetch's) releases only its requests: the runtime closes idle connections in its time.
   */
  close(options: { readonly drain: boolean; readonly reason: Error }): Promise<void>;
  /**
   * Whether a connection is back in the pool only one turn of the event loop after its body
   * ended (undici's): the exchange then waits that turn before it hands the answer back or
   * frees the concurrency slot, so the caller's next request reuses the connection instead of
   * opening another. Unset for a transport on the runtime's `fetch`, which pools by itself: a
   * turn there is only latency (a browser's is a timer of 1 ms or more).
   */
  readonly poolsAfterTurn?: boolean;
  /**
   * Whether `send()` settles by itself on every ending the exchange knows: no headers within
   * `timeoutMs`, the request's signal aborted, `close()` without `drain`. The exchange then
   * awaits it as it is; for any other transport it races `send()` against those endings (with
   * a grace past `timeoutMs`), which costs a timer and a listener per request, and aborts the
   * signal it gave `send()` when it stops waiting.
   */
  readonly settlesItself?: boolean;
}

/** One request to the transport's origin. */
export interface TransportRequest {
  /** The path and query below the origin (`/v1/chat/completions?api-version=1`). */
  readonly path: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
  readonly signal: AbortSignal | undefined;
  /** The longest wait for the headers, and between two reads of the body. */
  readonly timeoutMs: number;
}

/** A response whose headers arrived; its body not yet read. */
export interface TransportResponse {
  readonly status: number;
  /** Header names in lower case; a repeated header as a list (or joined, as fetch joins them). */
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  readonly body: ResponseBody;
}

/** A response body: read once, as chunks or as text, or destroyed (its connection closed). */
export interface ResponseBody extends AsyncIterable<Uint8Array> {
  /**
   * The whole body as UTF-8, read in one go. A transport may read it natively, without
   * bounding the gap between two reads (fetch's does: its runtime reads it); a caller holds the
   * whole read to a deadline of its own (the exchange does, for a call), or iterates the body
   * where that gap must be bounded.
   */
  text(): Promise<string>;
  /** Stops reading and closes the connection; a read waiting fails with `error`. */
  destroy(error?: Error): void;
}

/** Makes the transport of one client, for the origin of its base URL. */
export type TransportFactory = (origin: string, options: TransportOptions) => Transport;

/** What a client asks of its transport. */
export interface TransportOptions {
  /**
   * The most connections to the origin; `undefined` for the transport's own default. A transport
   * that cannot bound its connections (fetch) ignores it.
   */
  readonly maxConnections: number | undefined;
  /** The config's `timeoutMs`: headers and read gaps. */
  readonly timeoutMs: number;
}
