import type { ResponseBody } from "@loom/llm-types";
import { discardBody } from "../http/discard-body.js";

// After a stream's end the rest of a response is normally just the chunked terminator: read up
// to this much, for this long, so the connection goes back to the pool; past that, close it.
const DRAIN_LIMIT_BYTES = 64 * 1024;
const DRAIN_TIMEOUT_MS = 1_000;

const noop = (): void => {};

/**
 * Gives a response's connection back. After a stream's end (`pending` is the read already
 * begun) the rest is drained in the background so the connection can be reused; a body left
 * early (break, abort, error) closes its connection at once.
 */
export function releaseResponse(
  body: ResponseBody,
  iterator: AsyncIterator<Uint8Array> | undefined,
  pending: Promise<IteratorResult<Uint8Array>> | undefined,
): void {
  if (pending === undefined || iterator === undefined) {
    discardBody(body);
    return;
  }
  const timer = setTimeout(() => body.destroy(), DRAIN_TIMEOUT_MS);
  // workerd's (and a browser's) timers are numbers: no unref.
  timer.unref?.();
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
