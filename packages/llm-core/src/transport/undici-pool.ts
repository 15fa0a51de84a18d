// The two parts of undici the transport uses, imported from the modules that define them rather
// than from undici's entry point. The entry point loads all of undici (fetch, WebSocket, the
// cache, the mock agent, EventSource) to export it: about 95 ms of a process's start on this
// project's machines, where these two modules and what they require take about 38 ms. undici
// publishes no `exports` map, so these paths are part of what it ships; `undici-pool.test.ts`
// holds that they are the very objects its entry point exports, so an undici that moved them
// fails the tests, not an app.
import type { Dispatcher } from "undici";
import requestApi from "undici/lib/api/api-request.js";

/** undici's `Pool`: keep-alive connections to one origin. */
export { default as Pool } from "undici/lib/dispatcher/pool.js";

/**
 * `dispatcher.request(options)` as undici's entry point installs it on every dispatcher
 * (`Object.assign(Dispatcher.prototype, api)`), called on the given pool without touching its
 * prototype, so loading undici whole elsewhere in the process changes nothing here. It uses
 * nothing of the pool but `dispatch`, so a pool seen through its own `dispatch` will do.
 */
export function poolRequest(
  pool: Pick<Dispatcher, "dispatch">,
  options: Dispatcher.RequestOptions,
): Promise<Dispatcher.ResponseData> {
  return requestApi.call(pool, options);
}
