import type { ProtocolName } from "./wire/protocol-name.js";

/**
 * An assistant turn exactly as a protocol returned it: Anthropic's content blocks (thinking
 * with its signature, redacted thinking, text, `tool_use`, and any block type Loom does not
 * know) or the Responses API's output items (reasoning with its encrypted content, messages,
 * function calls, unknown items). Secrets are masked in it like in every other field.
 *
 * A request to the same protocol sends these parts back as they came, in place of the turn's
 * `content` and `toolCalls`: Anthropic rejects a tool loop with extended thinking whose
 * thinking blocks changed, and OpenAI's reasoning models keep their reasoning between tool
 * calls only through the reasoning items. Any other protocol ignores it and sends the portable
 * fields.
 */
export interface NativeTurn {
  readonly protocol: ProtocolName;
  /** Content blocks (Messages) or output items (Responses), in the order they came. */
  readonly parts: readonly Readonly<Record<string, unknown>>[];
}
