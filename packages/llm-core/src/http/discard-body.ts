import type { ResponseBody } from "@loom/llm-types";

const noop = (): void => {};

/**
 * Closes a body that will not be read (or not read further), closing its connection. undici
 * reports a body destroyed before its end as an `error` event; nobody listens to a body never
 * iterated, and an unheard `error` event would crash the process: a no-op listener hears it.
 */
export function discardBody(body: ResponseBody): void {
  (body as { once?: (event: string, listener: () => void) => unknown }).once?.("error", noop);
  body.destroy();
}
