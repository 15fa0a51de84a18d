import { APIStatusError } from "./api-status-error.js";

/** HTTP 404: wrong base URL or unknown model. */
export class NotFoundError extends APIStatusError {
  static override readonly marker: symbol = Symbol.for("@loom/llm.error.NotFoundError");
  override readonly name: string = "NotFoundError";
}
