import type { ResponseFormat } from "../response-format.js";
import type { ToolDefinition } from "../tool-definition.js";
import type { SecretMask } from "./secret-mask.js";

/**
 * What one exchange knows about itself beyond the body it got back: what a wire protocol needs
 * to build a response and to word its errors.
 */
export interface ExchangeFacts {
  /** Provider name. */
  readonly provider: string;
  /** The model the request asked for. */
  readonly model: string;
  /** `POST https://host/v1/chat/completions`, for error messages (credentials masked). */
  readonly request: string;
  /** The server's request id header, when it sent one. */
  requestId?: string | undefined;
  /** The answers the request asked for (`n`, or `extraBody.n`): 1 unless more were. */
  readonly choices: number;
  /** The largest SSE event or body accepted. */
  readonly maxBytes: number;
  /** The call's `timeoutMs` (its own, or the config's). */
  readonly timeoutMs: number;
  /** The request's tools: zod-defined ones validate the model's arguments. */
  readonly tools: readonly ToolDefinition[] | undefined;
  /** The request's response format: with a schema, the reply is parsed and validated. */
  readonly responseFormat: ResponseFormat | undefined;
  /** The server may ignore the response format: look for JSON inside fences and prose too. */
  readonly lenientJson: boolean;
  /** Masks every secret of the client, and of this call's own headers. */
  readonly redactor: SecretMask;
  /** `redactor.redact`: masks secrets in text a server sent back (some echo the key). */
  readonly redact: (text: string) => string;
}
