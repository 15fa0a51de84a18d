/** A request as the fake server received it. */
export interface RecordedRequest {
  /** 1 for the first request the server received. */
  readonly index: number;
  readonly method: string;
  /** Path and query, e.g. `/v1/chat/completions`. */
  readonly path: string;
  /** Header names lowercased, as Node reports them. */
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  /** The body parsed as JSON, or `undefined` when it was not JSON. */
  readonly body: unknown;
  readonly rawBody: string;
  /** When its headers arrived (`performance.now()` of the server's process): for rate checks. */
  readonly receivedAt: number;
}
