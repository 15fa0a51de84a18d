/** What one exchange knows about itself beyond the body: for responses and error messages. */
export interface ResponseMeta {
  /** Provider name. */
  readonly provider: string;
  /** The model the request asked for. */
  readonly model: string;
  /** `POST https://host/v1/chat/completions`, for error messages. */
  readonly request: string;
  /** The server's request id header, when it sent one. */
  requestId?: string | undefined;
  /** The largest SSE event or body accepted. */
  readonly maxBytes: number;
}
