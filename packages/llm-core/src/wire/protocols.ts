import type { ProtocolName, WireProtocol } from "@loom/llm-types";
import { openAIChat } from "./openai-chat/openai-chat-protocol.js";

/**
 * The protocols other than the default, loaded when a client first speaks one. A dynamic import
 * each, so a bundler puts each in a chunk of its own: an app that speaks only OpenAI's chat
 * completions (the default) ships and loads neither of the others (about a third of the client's
 * code), and one that speaks Anthropic's loads that one alone.
 */
const LOADERS: Readonly<Record<Exclude<ProtocolName, "openai-chat">, () => Promise<WireProtocol>>> =
  {
    "anthropic-messages": async () =>
      (await import("./anthropic-messages/anthropic-messages-protocol.js")).anthropicMessages,
    "openai-responses": async () =>
      (await import("./openai-responses/openai-responses-protocol.js")).openAIResponses,
  };

/** The wire protocol of a config's `protocol` when it is already loaded: the default always is. */
export function loadedProtocol(name: ProtocolName): WireProtocol | undefined {
  return name === "openai-chat" ? openAIChat : undefined;
}

/** Loads the wire protocol of a config's `protocol`. */
export function loadProtocol(name: ProtocolName): Promise<WireProtocol> {
  return name === "openai-chat" ? Promise.resolve(openAIChat) : LOADERS[name]();
}
