import { APIStatusError } from "./api-status-error.js";

/** HTTP 5xx: the server or a proxy in front of it failed. */
export class ServerError extends APIStatusError {
  static override readonly marker: symbol = Symbol.for("@loom/llm.error.ServerError");
  override readonly name: string = "ServerError";
}
