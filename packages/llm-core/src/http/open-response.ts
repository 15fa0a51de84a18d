import type { BodyStream } from "./read-body.js";

/** A response whose status was 2xx, headers read, body not yet. */
export interface OpenResponse {
  readonly headers: Record<string, string | string[] | undefined>;
  readonly body: BodyStream & {
    dump(options?: { limit?: number; signal?: AbortSignal }): Promise<unknown>;
  };
}
