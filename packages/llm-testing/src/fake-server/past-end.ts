import type { FakeReply } from "./fake-reply.js";
import type { RecordedRequest } from "./recorded-request.js";

/**
 * Set on the replies of a script that knows what a request past its end should hear (a
 * transcript's replay says how many exchanges it has): once the queue is used up, with no
 * fallback, the fake server asks the last reply it took from the queue.
 */
export const PAST_END: unique symbol = Symbol("loom.fake-server.past-end");

/** The answer for a request past the end of the script a reply belongs to. */
export function pastEndOf(
  reply: FakeReply | undefined,
  request: RecordedRequest,
): FakeReply | undefined {
  if (typeof reply !== "function") return undefined;
  const pastEnd = (reply as { [PAST_END]?: (request: RecordedRequest) => FakeReply })[PAST_END];
  return pastEnd?.(request);
}
