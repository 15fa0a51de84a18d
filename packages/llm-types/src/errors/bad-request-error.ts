import { APIStatusError } from "./api-status-error.js";

/** HTTP 400 or 422: the server rejected the request's shape or parameters. */
export class BadRequestError extends APIStatusError {
  static override readonly marker: symbol = Symbol.for("@loom/llm.error.BadRequestError");
  override readonly name: string = "BadRequestError";
}
