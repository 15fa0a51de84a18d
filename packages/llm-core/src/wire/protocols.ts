import type { ProtocolName, WireProtocol } from "@loom/llm-types";
import { openAIChat } from "./openai-chat/openai-chat-protocol.js";

/** Every wire protocol a client can speak, by the name its config gives. */
const PROTOCOLS: Readonly<Record<ProtocolName, WireProtocol>> = {
  "openai-chat": openAIChat,
};

/** The wire protocol of a config's `protocol`. */
export function protocolFor(name: ProtocolName): WireProtocol {
  return PROTOCOLS[name];
}
