import type {
  ResponseBody,
  Transport,
  TransportOptions,
  TransportRequest,
  TransportResponse,
} from "@loom/llm-types";
import type { Dispatcher, Pool as UndiciPool } from "undici";
import { noteAnswering, noteUnsent, QUEUE_TIMEOUT_CODE } from "../http/request-marks.js";
import { CoarseTimeout } from "../runtime/coarse-timeout.js";
import { decodeBody } from "./decode-body.js";
import { Pool, poolRequest } from "./undici-pool.js";

// Keep-alive idle time: shorter than the usual server-side 60 s (and llama.cpp's 5 s hint is
// honoured by undici itself), so a connection the server is about to drop is rarely reused.
const KEEP_ALIVE_TIMEOUT_MS = 4_000;

/** Set on a request's handler once the first byte of its response was parsed. */
const RESPONSE_STARTED = Symbol("loom.responseStarted");
/** Set on a request's handler once the whole request was written to a socket. */
const REQUEST_SENT = Symbol("loom.requestSent");

/**
 * undici's request handler, with the hooks it calls when the whole request was written and
 * when its parser reads a response's first byte.
 */
interface ObservedHandler {
  onRequestSent?: () => void;
  onResponseStarted?: () => void;
  [REQUEST_SENT]?: boolean;
  [RESPONSE_STARTED]?: boolean;
  /** The wait for a free connection (`maxConnections`), ended once the request is written. */
  [QUEUE_TIMEOUT]?: CoarseTimeout;
}
const QUEUE_TIMEOUT = Symbol("loom.queueTimeout");

/** Called by undici as methods of the handler: one function each for every request. */
function markRequestSent(this: ObservedHandler): void {
  this[REQUEST_SENT] = true;
  this[QUEUE_TIMEOUT]?.cancel();
}
function markResponseStarted(this: ObservedHandler): void {
  this[RESPONSE_STARTED] = true;
}

/**
 * Node's transport: an undici `Pool` of keep-alive connections to one origin. A body that came
 * compressed (a proxy may compress though nothing asked it to) is decoded here, so what leaves
 * the transport is the body as sent.
 */
export class UndiciTransport implements Transport {
  /** undici returns a keep-alive socket to its pool one `setImmediate` after a body ends. */
  readonly poolsAfterTurn = true;
  /**
   * undici's `headersTimeout`, the signal and `destroy()` on `close()` end every request. The
   * timeout starts only once a request is written to a socket: with `maxConnections`, a request
   * queued behind the pool's busy connections waits for a connection `timeoutMs` at most, then
   * is taken out of the queue, unsent (`send`).
   */
  readonly settlesItself = true;
  readonly #pool: UndiciPool;
  /** `maxConnections`, when set: requests may queue for a connection. */
  readonly #maxConnections: number | undefined;
  /**
   * The pool as `request` sees it: each request's handler is told, by undici's parser, when the
   * first byte of its response arrives (`onResponseStarted`), so a connection closed or reset
   * after part of a status line is known as a response begun (`noteAnswering`), never resent.
   * undici's own errors cannot say it: the header block had not ended.
   */
  readonly #dispatcher: Pick<Dispatcher, "dispatch">;
  /** The handler of the request being dispatched, between `request` and its return. */
  #dispatched: ObservedHandler | undefined;

  constructor(origin: string, options: TransportOptions) {
    this.#maxConnections = options.maxConnections;
    this.#pool = new Pool(origin, {
      // `null`: undici's own default, a connection per request in flight.
      connections: options.maxConnections ?? null,
      // undici's 300 s defaults would hide a hung server for five minutes.
      headersTimeout: options.timeoutMs,
      bodyTimeout: options.timeoutMs,
      keepAliveTimeout: KEEP_ALIVE_TIMEOUT_MS,
    });
    const pool = this.#pool;
    this.#dispatcher = {
      dispatch: (options, handler) => {
        const observed = handler as ObservedHandler;
        observed.onRequestSent = markRequestSent;
        observed.onResponseStarted = markResponseStarted;
        this.#dispatched = observed;
        return pool.dispatch(options, handler);
      },
    };
  }

  async send(request: TransportRequest): Promise<TransportResponse> {
    // Under `maxConnections` only: without it, undici opens a connection for every request.
    const queue = this.#maxConnections === undefined ? undefined : new AbortController();
    const responding = poolRequest(this.#dispatcher, {
      method: "POST",
      path: request.path,
      headers: request.headers,
      body: request.body,
      signal:
        queue === undefined
          ? (request.signal ?? null)
          : request.signal === undefined
            ? queue.signal
            : AbortSignal.any([request.signal, queue.signal]),
      headersTimeout: request.timeoutMs,
      bodyTimeout: request.timeoutMs,
    });
    // undici dispatched it synchronously, unless the signal had already aborted.
    const handler = this.#dispatched;
    this.#dispatched = undefined;
    if (queue !== undefined && handler !== undefined && handler[REQUEST_SENT] !== true) {
      const waitMs = request.timeoutMs;
      const connections = this.#maxConnections;
      handler[QUEUE_TIMEOUT] = new CoarseTimeout(waitMs, () =>
        queue.abort(
          Object.assign(
            new Error(
              `no connection was free within ${waitMs} ms (maxConnections: ${connections}); not sent`,
            ),
            { code: QUEUE_TIMEOUT_CODE },
          ),
        ),
      );
    }
    let response: Dispatcher.ResponseData;
    try {
      response = await responding;
    } catch (error) {
      if (handler?.[RESPONSE_STARTED] === true) noteAnswering(request);
      // Never written whole: the server cannot have acted on it (a queued request, say).
      else if (handler !== undefined && handler[REQUEST_SENT] !== true) noteUnsent(request);
      throw error;
    } finally {
      handler?.[QUEUE_TIMEOUT]?.cancel();
    }
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
