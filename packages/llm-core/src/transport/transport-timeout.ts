// A transport's own timeouts carry undici's codes whichever transport raised them: the exchange
// (`http/to-transport-error.ts`) types both the same way, a `TimeoutError` of phase `headers`
// (retried) or `idle` (a read gap: not resent once the response began).

/** No status line and headers within `timeoutMs` of sending. */
export function headersTimeout(timeoutMs: number): Error {
  return Object.assign(new Error(`no response headers within ${timeoutMs} ms`), {
    name: "HeadersTimeoutError",
    code: "UND_ERR_HEADERS_TIMEOUT",
  });
}

/** No body data for `timeoutMs` while a read waited for it. */
export function bodyTimeout(timeoutMs: number): Error {
  return Object.assign(new Error(`no body data for ${timeoutMs} ms`), {
    name: "BodyTimeoutError",
    code: "UND_ERR_BODY_TIMEOUT",
  });
}
