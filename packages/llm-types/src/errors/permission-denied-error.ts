import { APIStatusError } from "./api-status-error.js";

/** HTTP 403: the key is valid but may not use this model or endpoint. */
export class PermissionDeniedError extends APIStatusError {
  static override readonly marker: symbol = Symbol.for("@loom/llm.error.PermissionDeniedError");
  override readonly name: string = "PermissionDeniedError";
}
