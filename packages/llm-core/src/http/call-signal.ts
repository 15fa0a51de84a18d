import type { ExchangeFacts } from "@loom/llm-types";
import { TimeoutError } from "@loom/llm-types";

/**
 * The signal one call is sent with: aborted by the caller's signal, by the call's own `abort()`
 * (streams), or by its deadline (a `TimeoutError` as the reason). The listener on the caller's
 * signal is removed by `dispose()`, so a long-lived signal shared by thousands of calls does not
 * collect one listener per call. The deadline's timer keeps the process up only when asked
 * (`keepAlive`: a transport that holds nothing open while it waits); the library's transports
 * hold a socket while a request is out, and a stream made but never read (or whose client was
 * closed) must not hold the process until its deadline.
 */
export class CallSignal {
  readonly #controller = new AbortController();
  readonly #user: AbortSignal | undefined;
  readonly #timer: NodeJS.Timeout | undefined;

  constructor(
    user: AbortSignal | undefined,
    deadlineMs: number | undefined,
    meta: ExchangeFacts,
    keepAlive = true,
  ) {
    this.#user = user;
    if (user?.aborted) {
      this.#controller.abort(user.reason);
    } else {
      user?.addEventListener("abort", this, { once: true });
    }
    if (deadlineMs !== undefined) {
      this.#timer = setTimeout(() => {
        this.#controller.abort(
          new TimeoutError({
            timeoutMs: deadlineMs,
            phase: "deadline",
            message: `${meta.request}: the call's deadline of ${deadlineMs} ms passed`,
            // The deadline bounds the whole call, retries included: nothing may try again.
            retryable: false,
            provider: meta.provider,
            model: meta.model,
            requestId: meta.requestId,
          }),
        );
      }, deadlineMs);
      if (!keepAlive) this.#timer.unref?.();
    }
  }

  get signal(): AbortSignal {
    return this.#controller.signal;
  }

  abort(reason?: unknown): void {
    this.#controller.abort(reason);
  }

  /** Called by the caller's signal (an object listener: no closure per call). */
  handleEvent(): void {
    this.#controller.abort(this.#user?.reason);
  }

  dispose(): void {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#user?.removeEventListener("abort", this);
  }
}
