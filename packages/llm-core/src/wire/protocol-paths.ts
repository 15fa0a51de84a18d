import type { ProtocolName } from "@loom/llm-types";

/**
 * Where each protocol's requests go below the base URL. Kept apart from the protocols, so a
 * client knows (and can name in its errors) the request it makes before the protocol is loaded.
 */
export const PROTOCOL_PATHS: Readonly<Record<ProtocolName, string>> = {
  "openai-chat": "/chat/completions",
  "anthropic-messages": "/messages",
  "openai-responses": "/responses",
};
