/** Where an error happened, for its message and fields. */
export interface ErrorContext {
  provider?: string | undefined;
  model?: string | undefined;
  requestId?: string | undefined;
  /** `POST https://host/v1/chat/completions`, or another label for the source. */
  request?: string | undefined;
}
