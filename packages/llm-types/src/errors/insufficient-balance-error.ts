import { APIStatusError } from "./api-status-error.js";

/** HTTP 402: the account has no credit left (DeepSeek). */
export class InsufficientBalanceError extends APIStatusError {
  static override readonly marker: symbol = Symbol.for("@loom/llm.error.InsufficientBalanceError");
  override readonly name: string = "InsufficientBalanceError";
}
