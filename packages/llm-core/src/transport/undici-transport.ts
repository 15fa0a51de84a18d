import type {
  ResponseBody,
  Transport,
  TransportOptions,
  TransportRequest,
  TransportResponse,
} from "@loom/llm-types";
import type { Dispatcher, Pool as UndiciPool } from "undici";
import { decodeBody } from "./decode-body.js";
import { Pool, poolRequest } from "./undici-pool.js";

// Keep-alive idle time: shorter than the usual server-side 60 s (and llama.cpp's 5 s hint is
// honoured by undici itself), so a connection the server is about to drop is rarely reused.
const KEEP_ALIVE_TIMEOUT_MS = 4_000;

/**
 * Node's transport: an undici `Pool` of keep-alive connections to one origin. A body that came
 * compressed (a proxy may compress though nothing asked it to) is decoded here, so what leaves
 * the transport is the body as sent.
 */
export class UndiciTransport implements Transport {
  /** undici returns a keep-alive socket to its pool one `setImmediate` after a body ends. */
  readonly poolsAfterTurn = true;
  /**
   * undici's `headersTimeout`, the signal and `destroy()` on `close()` end every request, but
   * the timeout starts only once a request is written to a socket: with `maxConnections`, a
   * request queued behind the pool's busy connections would wait unbounded, so the exchange
   * bounds it then.
   */
  readonly settlesItself: boolean;
  readonly #pool: UndiciPool;

  constructor(origin: string, options: TransportOptions) {
    this.settlesItself = options.maxConnections === undefined;
    this.#pool = new Pool(origin, {
      // `null`: undici's own default, a connection per request in flight.
      connections: options.maxConnections ?? null,
      // undici's 300 s defaults would hide a hung server for five minutes.
      headersTimeout: options.timeoutMs,
      bodyTimeout: options.timeoutMs,
      keepAliveTimeout: KEEP_ALIVE_TIMEOUT_MS,
    });
  }

  async send(request: TransportRequest): Promise<TransportResponse> {
    const response: Dispatcher.ResponseData = await poolRequest(this.#pool, {
      method: "POST",
      path: request.path,
      headers: request.headers,
      body: request.body,
      signal: request.signal ?? null,
      headersTimeout: request.timeoutMs,
      bodyTimeout: request.timeoutMs,
    });
    return decodeBody({
      status: response.statusCode,
      headers: response.headers,
      body: response.body as unknown as ResponseBody,
    });
  }

  close(options: { readonly drain: boolean; readonly reason: Error }): Promise<void> {
    return options.drain ? this.#pool.close() : this.#pool.destroy(options.reason);
  }
}

/** The default transport factory on Node. */
export function undiciTransport(origin: string, options: TransportOptions): Transport {
  return new UndiciTransport(origin, options);
}
