import { discardBody } from "../http/discard-body.js";
import type { OpenResponse } from "../http/open-response.js";

// After `[DONE]` the rest of a response is normally just the chunked terminator: read up to
// this much, for this long, so the socket goes back to the pool; past that, close it.
const DRAIN_LIMIT_BYTES = 64 * 1024;
const DRAIN_TIMEOUT_MS = 1_000;

const noop = (): void => {};

/**
 * Gives a stream's connection back. After `[DONE]` (`pending` is the read already begun) the
 * rest is drained in the background so the socket can be reused; a stream left early (break,
 * abort, error) closes its socket at once.
 */
export function releaseResponse(
  response: OpenResponse,
  iterator: AsyncIterator<Buffer> | undefined,
  pending: Promise<IteratorResult<Buffer>> | undefined,
): void {
  const body = response.body;
  if (pending === undefined || iterator === undefined) {
    discardBody(body);
    return;
  }
  const timer = setTimeout(() => body.destroy(), DRAIN_TIMEOUT_MS);
  timer.unref();
  void (async () => {
    let bytes = 0;
    for (let next = pending; ; next = iterator.next()) {
      const result = await next;
      if (result.done) return;
      bytes += result.value.length;
      if (bytes > DRAIN_LIMIT_BYTES) {
        body.destroy();
        return;
      }
    }
  })()
    .catch(noop)
    .finally(() => clearTimeout(timer));
}
