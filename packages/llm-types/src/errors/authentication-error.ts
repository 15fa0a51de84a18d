import { APIStatusError } from "./api-status-error.js";

/** HTTP 401: the API key is missing, wrong or revoked. */
export class AuthenticationError extends APIStatusError {
  static override readonly marker: symbol = Symbol.for("@loom/llm.error.AuthenticationError");
  override readonly name: string = "AuthenticationError";
}
