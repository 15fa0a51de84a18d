import { LLMError, type LLMErrorOptions } from "./llm-error.js";

/** Which limit ran out. */
export type TimeoutPhase = "headers" | "body" | "idle" | "deadline" | "rate-limit";

/** What a `TimeoutError` is built from. */
export interface TimeoutErrorOptions extends Omit<LLMErrorOptions, "message"> {
  message?: string | undefined;
  /** The limit that ran out, in milliseconds. */
  timeoutMs: number;
  /**
   * `headers`: no response within `timeoutMs`; `body`: a call's response did not arrive in full
   * within `timeoutMs` of the attempt's start; `idle`: too long a gap between stream chunks;
   * `deadline`: the whole call's deadline passed.
   * @default "headers"
   */
  phase?: TimeoutPhase | undefined;
}

const DESCRIPTIONS: Record<TimeoutPhase, string> = {
  headers: "no response",
  body: "the response did not arrive in full",
  idle: "no data from the stream",
  deadline: "the call's deadline passed",
  "rate-limit": "the rate limit would hold the request past the call's deadline",
};

/** A time limit ran out. Retryable by default: a slow server often answers the next time. */
export class TimeoutError extends LLMError {
  static override readonly marker: symbol = Symbol.for("@loom/llm.error.TimeoutError");
  override readonly name: string = "TimeoutError";
  readonly timeoutMs: number;
  readonly phase: TimeoutPhase;

  constructor(options: TimeoutErrorOptions) {
    const phase = options.phase ?? "headers";
    super({
      ...options,
      message:
        options.message ?? `Timed out: ${DESCRIPTIONS[phase]} within ${options.timeoutMs} ms`,
      retryable: options.retryable ?? true,
    });
    this.timeoutMs = options.timeoutMs;
    this.phase = phase;
  }
}
