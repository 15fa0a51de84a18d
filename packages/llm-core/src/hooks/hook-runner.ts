import type { CallInfo, ChatRequest, LLMResponse, ProviderHooks, RetryInfo } from "@loom/llm-types";

/**
 * Runs a provider's hooks, in the order given, for one call or stream at a time. The one place
 * that loops over hooks, so the order rules of `ProviderHooks` hold everywhere.
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
      try {
        hooks[i]?.beforeRequest?.(request, info);
      } catch (error) {
        for (let j = 0; j < i; j++) hooks[j]?.onError?.(error, request, info);
        throw error;
      }
    }
  }

  prepareBody(body: Record<string, unknown>, request: ChatRequest, info: CallInfo): void {
    for (const hook of this.#hooks) hook.prepareBody?.(body, request, info);
  }

  retry(retry: RetryInfo, request: ChatRequest, info: CallInfo): void {
    for (const hook of this.#hooks) hook.onRetry?.(retry, request, info);
  }

  firstChunk(request: ChatRequest, info: CallInfo): void {
    for (const hook of this.#hooks) hook.onFirstChunk?.(request, info);
  }

  response(response: LLMResponse, request: ChatRequest, info: CallInfo): void {
    for (const hook of this.#hooks) hook.onResponse?.(response, request, info);
  }

  cancel(request: ChatRequest, info: CallInfo): void {
    for (const hook of this.#hooks) hook.onCancel?.(request, info);
  }

  error(error: unknown, request: ChatRequest, info: CallInfo): void {
    for (const hook of this.#hooks) hook.onError?.(error, request, info);
  }
}
