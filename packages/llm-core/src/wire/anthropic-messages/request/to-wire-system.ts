import type { Message, SystemMessage } from "@loom/llm-types";
import { cacheControl } from "./cache-control.js";

/**
 * The top-level `system` of a request: Anthropic has no system role, so every system message
 * goes here, wherever it stood. One string (joined by blank lines) unless a system message
 * carries a cache mark, which only a text block can hold: then one text block per message.
 * Undefined when there is none.
 */
export function toWireSystem(messages: readonly Message[]): unknown {
  const system = messages.filter(
    (message): message is SystemMessage => message.role === "system" && message.content !== "",
  );
  if (system.length === 0) return undefined;
  if (!system.some((message) => message.cache !== undefined))
    return system.map((message) => message.content).join("\n\n");
  return system.map((message) => {
    const block: Record<string, unknown> = { type: "text", text: message.content };
    if (message.cache !== undefined) block.cache_control = cacheControl(message.cache);
    return block;
  });
}
