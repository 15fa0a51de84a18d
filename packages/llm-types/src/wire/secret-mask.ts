/**
 * What masks a client's secrets in what a server sends back, in every encoding. A wire protocol
 * passes every text of an answer through it before handing it on.
 */
export interface SecretMask {
  /** Whether there is anything to mask. */
  readonly empty: boolean;
  /** `text` with every secret masked. */
  redact(text: string): string;
  /** A parsed value with every string in it masked (the value itself when nothing changed). */
  redactValue(value: unknown): unknown;
  /** Masks an error in place, down its `cause` chain; returns it. */
  redactError<T>(error: T): T;
  /** A masking for text that arrives in pieces. */
  streaming(): TextMasking;
}

/** Masks text that arrives in pieces (`Redactor.streaming()` in @loom/llm-utils makes one). */
export interface TextMasking {
  /** What is safe to hand on after `piece`, masked ("" while all of it is held back). */
  push(piece: string): string;
  /** What is still held, masked: the text ended. */
  end(): string;
}
