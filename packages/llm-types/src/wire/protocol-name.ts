/** The wire protocols a client can speak: the config's `protocol`. */
export type ProtocolName = "openai-chat";
