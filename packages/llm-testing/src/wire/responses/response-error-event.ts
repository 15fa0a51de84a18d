import type { SseItem } from "../../fake-server/fake-reply.js";

/** Options for responseErrorEvent. */
export interface ResponseErrorEventOptions {
  /** The event's `sequence_number`. @default 0 */
  sequenceNumber?: number;
  /** `param`. @default null */
  param?: string | null;
  /**
   * `nested` sends `{"type":"error","error":{"type","code","message","param"}}`, as OpenAI's API
   * does (vercel/ai's recorded `openai-error.1.chunks.txt`; the official SDK reads it "as
   * first-party providers nest their error payload"); `flat` sends the published schema's
   * `{"type":"error","code","message","param"}`. @default "nested"
   */
  shape?: "nested" | "flat";
}

/**
 * The `event: error` of an OpenAI Responses stream (quota spent, server error): put it among a
 * stream's events. The API follows it with `response.failed` (`responseStream`'s `failure`).
 */
export function responseErrorEvent(
  code: string,
  message: string,
  options: ResponseErrorEventOptions = {},
): SseItem {
  const sequence_number = options.sequenceNumber ?? 0;
  const param = options.param ?? null;
  const data =
    options.shape === "flat"
      ? { type: "error", sequence_number, code, message, param }
      : { type: "error", sequence_number, error: { type: code, code, message, param } };
  return { event: "error", data: JSON.stringify(data) };
}
