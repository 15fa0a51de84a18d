import type {
  CallInfo,
  ChatRequest,
  LLMResponse,
  ProviderHooks,
  RetryInfo,
  Usage,
} from "@loom/llm-types";

type Observer = "onResponse" | "onWait" | "onRetry" | "onFirstChunk" | "onCancel" | "onError";

/**
 * Runs a provider's hooks, in the order given, for one call or stream at a time. The one place
 * that loops over hooks, so the order rules of `ProviderHooks` hold everywhere.
 *
 * `beforeRequest` and `prepareBody` may stop a call by throwing (a spent budget, a body that
 * cannot be built). The other hooks only observe: one that throws is reported through
 * `ctx.logger.error` (or a console warning) and skipped, so a broken exporter never costs the
 * caller a response, and every other hook still sees exactly one end of the call.
 */
export class HookRunner {
  readonly #hooks: readonly ProviderHooks[];

  constructor(hooks: readonly ProviderHooks[]) {
    this.#hooks = hooks;
  }

  /** Whether any hook watches retries (the retry path skips building their info otherwise). */
  get watchesRetries(): boolean {
    return this.#hooks.some((hook) => hook.onRetry !== undefined);
  }

  /**
   * `beforeRequest` of every hook. When one throws, the hooks whose `beforeRequest` already ran
   * get `onError` with that error (a span opened by telemetry is ended), then it is rethrown.
   */
  begin(request: ChatRequest, info: CallInfo): void {
    const hooks = this.#hooks;
    for (let i = 0; i < hooks.length; i++) {
      let result: unknown;
      try {
        result = hooks[i]?.beforeRequest?.(request, info);
      } catch (error) {
        for (let j = 0; j < i; j++) this.#observe(j, "onError", info, error, request, info);
        throw error;
      }
      if (isThenable(result)) this.#unawaited(result, i, "beforeRequest", info);
    }
  }

  prepareBody(body: Record<string, unknown>, request: ChatRequest, info: CallInfo): void {
    const hooks = this.#hooks;
    for (let i = 0; i < hooks.length; i++) {
      const result: unknown = hooks[i]?.prepareBody?.(body, request, info);
      if (isThenable(result)) this.#unawaited(result, i, "prepareBody", info);
    }
  }

  wait(waitedMs: number, request: ChatRequest, info: CallInfo): void {
    for (let i = 0; i < this.#hooks.length; i++)
      this.#observe(i, "onWait", info, waitedMs, request, info);
  }

  retry(retry: RetryInfo, request: ChatRequest, info: CallInfo): void {
    for (let i = 0; i < this.#hooks.length; i++)
      this.#observe(i, "onRetry", info, retry, request, info);
  }

  firstChunk(request: ChatRequest, info: CallInfo): void {
    for (let i = 0; i < this.#hooks.length; i++)
      this.#observe(i, "onFirstChunk", info, request, info);
  }

  response(response: LLMResponse, request: ChatRequest, info: CallInfo): void {
    for (let i = 0; i < this.#hooks.length; i++)
      this.#observe(i, "onResponse", info, response, request, info);
  }

  cancel(request: ChatRequest, info: CallInfo, usage: Usage | undefined): void {
    for (let i = 0; i < this.#hooks.length; i++)
      this.#observe(i, "onCancel", info, request, info, usage);
  }

  error(error: unknown, request: ChatRequest, info: CallInfo): void {
    for (let i = 0; i < this.#hooks.length; i++)
      this.#observe(i, "onError", info, error, request, info);
  }

  /**
   * Calls one observing hook with up to three arguments (fixed, not a rest array: this runs
   * for every hook of every call); what it throws is reported, never passed on.
   */
  #observe(
    index: number,
    name: Observer,
    info: CallInfo,
    a: unknown,
    b: unknown,
    c?: unknown,
  ): void {
    const hook = this.#hooks[index];
    const method = hook?.[name] as ((a: unknown, b: unknown, c: unknown) => void) | undefined;
    if (method === undefined) return;
    let result: unknown;
    try {
      result = method.call(hook, a, b, c);
    } catch (error) {
      report(error, index, name, info, "threw");
      return;
    }
    if (isThenable(result)) this.#unawaited(result, index, name, info);
  }

  /**
   * A hook that returned a promise (an `async` method): hooks run synchronously and nothing
   * waits for it, but its rejection is reported as a throw is, never left unhandled (Node.js
   * ends the process on one). An async `beforeRequest` or `prepareBody` so cannot stop the call.
   */
  #unawaited(result: PromiseLike<unknown>, index: number, name: string, info: CallInfo): void {
    result.then(undefined, (error: unknown) => report(error, index, name, info, "rejected"));
  }
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (
    typeof value === "object" &&
    value !== null &&
    typeof (value as { then?: unknown }).then === "function"
  );
}

/** A hook's failure, through `ctx.logger.error`, else once per kind on the console. */
function report(error: unknown, index: number, name: string, info: CallInfo, how: string): void {
  const text = info.redact(
    error instanceof Error ? `${error.name}: ${error.message}` : String(error),
  );
  const say = info.context.logger?.error ?? warnOnce;
  say(`${info.provider}: hook #${index + 1} ${how} in ${name}; ignored: ${text}`, {
    provider: info.provider,
    model: info.model,
    hook: index + 1,
    method: name,
  });
}

const warned = new Set<string>();

/** Without a logger, each kind of hook failure is written once to the console. */
function warnOnce(message: string, data?: Record<string, unknown>): void {
  const kind = `${data?.hook}:${data?.method}`;
  if (warned.has(kind)) return;
  warned.add(kind);
  console.warn(message);
}
