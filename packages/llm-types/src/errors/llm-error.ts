import type { Usage } from "../usage.js";

/** Options every Loom error accepts; subclasses add their own fields. */
export interface LLMErrorOptions {
  /** What went wrong, in words a user can act on. Provider and model are added in front. */
  message: string;
  /** Provider name: `deepseek`, `openai`, `local` or a custom name. */
  provider?: string | undefined;
  /** The model the request asked for. */
  model?: string | undefined;
  /** The request id the server sent (`x-request-id` and friends), for support tickets. */
  requestId?: string | undefined;
  /** Overrides the default of the class (core knows, say, that a timeout came after the first chunk). */
  retryable?: boolean | undefined;
  /** How many attempts were made before this error was raised. @default 1 */
  attempts?: number | undefined;
  /** The usage the server reported before the call failed: paid for. */
  usage?: Usage | undefined;
  cause?: unknown;
}

/** A class in the hierarchy: constructible to an `LLMError` and carrying its marker. */
export type LLMErrorClass<T extends LLMError = LLMError> = (abstract new (
  // biome-ignore lint/suspicious/noExplicitAny: constructor parameters differ per subclass
  ...args: any[]
) => T) & { readonly marker: symbol };

/**
 * Base of every error Loom raises. `instanceof` fails when two copies of this package are
 * installed (a common result of mismatched versions), so each class also carries a
 * `Symbol.for` marker that `isInstance` checks.
 */
export class LLMError extends Error {
  static readonly marker: symbol = Symbol.for("@loom/llm.error.LLMError");

  override readonly name: string = "LLMError";
  readonly provider: string | undefined;
  readonly model: string | undefined;
  readonly requestId: string | undefined;
  /** Whether repeating the same request may succeed. */
  readonly retryable: boolean;
  readonly attempts: number;
  /**
   * The usage the server had reported when the call failed (a stream cut, timed out or ended by
   * an error event after its usage came): tokens billed though no response is handed back, which
   * the cost hooks count. Undefined when none came; a response that arrived whole but could not
   * be used is `InvalidResponseError.response`, usage included.
   */
  readonly usage: Usage | undefined;

  constructor(options: LLMErrorOptions) {
    super(withContext(options), options.cause === undefined ? undefined : { cause: options.cause });
    this.provider = options.provider;
    this.model = options.model;
    this.requestId = options.requestId;
    this.retryable = options.retryable ?? false;
    this.attempts = options.attempts ?? 1;
    this.usage = options.usage;
    // Mark the instance with every class of its chain, so `RateLimitError.isInstance` and
    // `LLMError.isInstance` both hold for a rate-limit error built by another copy.
    for (let c: unknown = new.target; isMarkedClass(c); c = Object.getPrototypeOf(c)) {
      Object.defineProperty(this, c.marker, { value: true });
    }
  }

  /** `instanceof` that also holds across duplicate installs of this package. */
  static isInstance<T extends LLMError>(this: LLMErrorClass<T>, value: unknown): value is T {
    return (
      typeof value === "object" &&
      value !== null &&
      // biome-ignore lint/complexity/noThisInStatic: `this` is the subclass the check was called on
      (value as Record<symbol, unknown>)[this.marker] === true
    );
  }
}

function isMarkedClass(value: unknown): value is { marker: symbol } {
  return typeof value === "function" && typeof (value as { marker?: unknown }).marker === "symbol";
}

function withContext(options: LLMErrorOptions): string {
  const where = [options.provider, options.model].filter(Boolean).join("/");
  const id = options.requestId === undefined ? "" : ` (request id ${options.requestId})`;
  return `${where ? `${where}: ` : ""}${options.message}${id}`;
}
