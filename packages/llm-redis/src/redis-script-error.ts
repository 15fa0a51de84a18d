import { LLMError } from "@loom/llm-types";

/**
 * A Lua script of this package failed in Redis: a bad argument it refused (a NaN estimate, say)
 * or an error while it ran. A bug in the script or in its call, not an outage: never let through
 * as `whenUnavailable: "open"` would, never retried. The scripts check their arguments before
 * writing anything, and write in an order that leaves no half-made claim.
 */
export class RedisScriptError extends LLMError {
  static override readonly marker: symbol = Symbol.for("@loom/llm.error.RedisScriptError");
  override readonly name: string = "RedisScriptError";
  /** Which script: `reserve`, `commit`, `acquire`… */
  readonly script: string;

  constructor(options: { script: string; cause: unknown }) {
    const reply = (options.cause as Error | undefined)?.message ?? String(options.cause);
    super({
      message: `loom: the Redis script "${options.script}" failed (${reply}); this is a bug in the script or its call, not a Redis outage`,
      retryable: false,
      cause: options.cause,
    });
    this.script = options.script;
  }
}
