import {
  AbortError,
  type ChatModel,
  type ChatRequest,
  type ChatStream,
  LLMError,
  type LLMResponse,
  type StreamEvent,
  TimeoutError,
} from "@loom/llm-types";
import { StreamOutcome } from "../stream/stream-outcome.js";

/** Options for Fallback. */
export interface FallbackOptions {
  /**
   * Whether a failure moves on to the next model. @default retryable errors (after each model's
   * own retries: refused, reset before any byte, timeouts, 429, 5xx); a 400 or 401, a response
   * cut after it began, an abort are raised at once.
   */
  shouldFallback?(error: unknown, index: number): boolean;
  /** Called when a model failed and the next one is tried. */
  onFallback?(error: unknown, index: number): void;
}

/**
 * The default: what another server might answer (the first was down, slow or overloaded), as
 * the error's `retryable` says after the model's own retries. Not a response cut after it
 * began (the first server may have billed it), a closed provider, a 4xx or an abort.
 */
function canFallBack(error: unknown): boolean {
  return LLMError.isInstance(error) && error.retryable;
}

/**
 * A `ChatModel` that tries each model in turn: the classic "fall back to `local` when the API is
 * unreachable" is `withFallback([LLMProvider.fromName(ctx, "deepseek"), LLMProvider.fromName(ctx, "local")])`.
 * The response's `provider` says which one answered. Streams fall back only before their first
 * chunk: once text reached the caller, switching models would repeat or garble it.
 *
 * Each switch is logged at debug level through the failing model's `context.logger`; the chain's
 * own `context` is its first model's, so `runTools` over it finds the agent's `tool`.
 */
export function withFallback(
  models: readonly ChatModel[],
  options: FallbackOptions = {},
): ChatModel {
  if (models.length === 0) throw new TypeError("withFallback needs at least one model");
  const shouldFallback = options.shouldFallback ?? canFallBack;
  const next = (error: unknown, index: number): boolean => {
    if (index + 1 >= models.length || !shouldFallback(error, index)) return false;
    models[index]?.context?.logger?.debug?.(
      `fallback: model ${index + 1} of ${models.length} failed, trying the next`,
      { index, error: describe(error) },
    );
    options.onFallback?.(error, index);
    return true;
  };
  const context = models[0]?.context;
  return {
    ...(context === undefined ? {} : { context }),
    async call(request: ChatRequest): Promise<LLMResponse> {
      const started = performance.now();
      for (let index = 0; ; index++) {
        try {
          return await (models[index] as ChatModel).call(
            index === 0 ? request : leftOf(request, started, index, models.length),
          );
        } catch (error) {
          if (!next(error, index)) throw error;
        }
      }
    },
    stream(request: ChatRequest): ChatStream {
      return new FallbackStream(models, request, next);
    },
  };
}

/**
 * The request as the next model gets it: a `deadlineMs` bounds the whole chain, so each model
 * after the first has what is left of it. Passed already: a `TimeoutError` (`phase: "deadline"`),
 * and nothing is sent to the next model.
 */
function leftOf(request: ChatRequest, started: number, index: number, count: number): ChatRequest {
  const deadlineMs = request.deadlineMs;
  if (deadlineMs === undefined) return request;
  const left = Math.floor(deadlineMs - (performance.now() - started));
  if (left > 0) return { ...request, deadlineMs: left };
  throw new TimeoutError({
    timeoutMs: deadlineMs,
    phase: "deadline",
    message: `the deadline of ${deadlineMs} ms passed before model ${index + 1} of ${count} could be tried; nothing was sent to it`,
    retryable: false,
  });
}

/** An error in a log line: its class and message (already free of secrets), not its object. */
function describe(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}

/** A stream over the first model that gets as far as its first event. */
class FallbackStream implements ChatStream {
  readonly #models: readonly ChatModel[];
  readonly #request: ChatRequest;
  readonly #next: (error: unknown, index: number) => boolean;
  #current: ChatStream | undefined;
  #started = false;
  #aborted: { reason: unknown } | undefined;
  readonly #outcome = new StreamOutcome();
  /** When `stream()` was called: a deadline counts from then, as a stream's own does. */
  readonly #made = performance.now();

  constructor(
    models: readonly ChatModel[],
    request: ChatRequest,
    next: (error: unknown, index: number) => boolean,
  ) {
    this.#models = models;
    this.#request = request;
    this.#next = next;
  }

  async *[Symbol.asyncIterator](): AsyncIterator<string> {
    for await (const event of this.#run()) if (event.type === "text") yield event.text;
  }

  events(): AsyncIterable<StreamEvent> {
    return { [Symbol.asyncIterator]: () => this.#run() };
  }

  response(): Promise<LLMResponse> {
    if (!this.#started)
      this.#outcome.drainSoon(
        () => this.#started,
        () => this.#run(),
      );
    return this.#outcome.promise();
  }

  abort(reason?: unknown): void {
    this.#aborted = { reason };
    this.#current?.abort(reason);
  }

  async *#run(): AsyncGenerator<StreamEvent> {
    if (this.#started)
      throw new TypeError("This stream is already being consumed: iterate it once");
    this.#started = true;
    try {
      for (let index = 0; ; index++) {
        // The first model's stream too is made only now, when the stream is read: each gets
        // what is left of the deadline since `stream()`.
        const request = leftOf(this.#request, this.#made, index, this.#models.length);
        const stream = (this.#models[index] as ChatModel).stream(request);
        this.#current = stream;
        if (this.#aborted !== undefined) stream.abort(this.#aborted.reason);
        let delivered = false;
        try {
          for await (const event of stream.events()) {
            delivered = true;
            if (event.type === "response") this.#outcome.resolve(event.response);
            yield event;
          }
          return;
        } catch (error) {
          if (delivered || !this.#next(error, index)) throw error;
        }
      }
    } catch (error) {
      this.#outcome.reject(error);
      throw error;
    } finally {
      this.#outcome.reject(new AbortError({ message: "The stream was closed before it finished" }));
    }
  }
}
