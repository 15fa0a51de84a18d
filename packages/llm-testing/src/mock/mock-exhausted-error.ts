import { LLMError, type LLMErrorOptions } from "@loom/llm-types";

/** What a `MockExhaustedError` is built from. */
export interface MockExhaustedErrorOptions extends Omit<LLMErrorOptions, "retryable"> {
  /** The call that found no reply, 1 for the first. */
  call: number;
}

/** A `MockLLM` ran out of scripted replies: the test called the model more often than it planned. */
export class MockExhaustedError extends LLMError {
  static override readonly marker: symbol = Symbol.for("@loom/llm.error.MockExhaustedError");
  override readonly name: string = "MockExhaustedError";
  readonly call: number;

  constructor(options: MockExhaustedErrorOptions) {
    super({ ...options, retryable: false });
    this.call = options.call;
  }
}
