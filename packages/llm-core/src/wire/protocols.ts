import type { ProtocolName, WireProtocol } from "@loom/llm-types";
import { anthropicMessages } from "./anthropic-messages/anthropic-messages-protocol.js";
import { openAIChat } from "./openai-chat/openai-chat-protocol.js";
import { openAIResponses } from "./openai-responses/openai-responses-protocol.js";

/** Every wire protocol a client can speak, by the name its config gives. */
const PROTOCOLS: Readonly<Record<ProtocolName, WireProtocol>> = {
  "openai-chat": openAIChat,
  "anthropic-messages": anthropicMessages,
  "openai-responses": openAIResponses,
};

/** The wire protocol of a config's `protocol`. */
export function protocolFor(name: ProtocolName): WireProtocol {
  return PROTOCOLS[name];
}
